module github.com/apimlint/apimlint

go 1.26.0

require (
	github.com/pelletier/go-toml/v2 v2.4.3
	golang.org/x/tools v0.52.0
)
