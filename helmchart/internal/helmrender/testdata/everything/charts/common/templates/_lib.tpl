{{- define "common.hello" -}}hello {{ . }}{{- end -}}
