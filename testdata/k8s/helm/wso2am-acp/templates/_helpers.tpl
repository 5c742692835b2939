{{/* Pod labels the Service selects on. */}}
{{- define "wso2am.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Environment of the container: every $env{} of the deployment.toml, from the release's Secret. */}}
{{- define "wso2am.env" -}}
{{- range $name, $key := .Values.secretEnv }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef: {name: {{ $.Release.Name }}-secrets, key: {{ $key }}}
{{- end }}
{{- end -}}
