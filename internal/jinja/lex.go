// Package jinja reads the Jinja (Jinjava) templates of WSO2's config-mapper
// far enough to know which deployment.toml keys they read: a tokenizer for
// template text and tag expressions, and an extractor that follows loops,
// {% set %} aliases and macro parameters. It renders nothing.
package jinja

import (
	"fmt"
	"strings"
)

// TokKind is the kind of an expression token.
type TokKind int

// Expression token kinds.
const (
	TokName TokKind = iota + 1
	TokString
	TokNumber
	TokOp // punctuation and operators: . [ ] ( ) , : | = == != < > <= >= + - * / % ~ ! || && { }
)

// Token is one token of a tag's expression.
type Token struct {
	Kind TokKind
	Text string // for TokString, the unquoted text
	Line int
}

// Tag is one {{ … }} or {% … %} of a template, tokenized.
type Tag struct {
	Block bool // {% … %} rather than {{ … }}
	Line  int  // line of the opening delimiter
	Toks  []Token
}

// Tokenize splits a template into its tags, skipping text and {# … #}
// comments. A tag left open or a string left unterminated is an error with
// its line.
func Tokenize(src string) ([]Tag, error) {
	var tags []Tag
	line := 1
	i := 0
	for i < len(src) {
		j := strings.IndexByte(src[i:], '{')
		if j < 0 {
			break
		}
		line += strings.Count(src[i:i+j], "\n")
		i += j
		if i+1 >= len(src) {
			break
		}
		var closer string
		switch src[i+1] {
		case '{':
			closer = "}}"
		case '%':
			closer = "%}"
		case '#':
			end := strings.Index(src[i+2:], "#}")
			if end < 0 {
				return nil, fmt.Errorf("line %d: comment {# is never closed", line)
			}
			line += strings.Count(src[i:i+2+end+2], "\n")
			i += 2 + end + 2
			continue
		default:
			i++
			continue
		}
		tag := Tag{Block: closer == "%}", Line: line}
		k := i + 2
		if k < len(src) && (src[k] == '-' || src[k] == '+') {
			k++
		}
		toks, end, nl, err := lexExpr(src, k, closer, line)
		if err != nil {
			return nil, err
		}
		tag.Toks = toks
		tags = append(tags, tag)
		line += nl
		i = end
	}
	return tags, nil
}

// lexExpr tokenizes from src[i] up to the closing delimiter and returns the
// tokens, the offset after the delimiter and the newlines crossed.
func lexExpr(src string, i int, closer string, line int) ([]Token, int, int, error) {
	start := line
	var toks []Token
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case (c == '-' || c == '+') && strings.HasPrefix(src[i+1:], closer):
			return toks, i + 1 + len(closer), line - start, nil
		case strings.HasPrefix(src[i:], closer):
			return toks, i + len(closer), line - start, nil
		case c == '\'' || c == '"':
			var b strings.Builder
			j := i + 1
			for j < len(src) && src[j] != c {
				if src[j] == '\\' && j+1 < len(src) {
					j++
				}
				if src[j] == '\n' {
					line++
				}
				b.WriteByte(src[j])
				j++
			}
			if j >= len(src) {
				return nil, 0, 0, fmt.Errorf("line %d: string is never closed", line)
			}
			toks = append(toks, Token{Kind: TokString, Text: b.String(), Line: line})
			i = j + 1
		case isNameStart(c):
			j := i + 1
			for j < len(src) && isNamePart(src[j]) {
				j++
			}
			toks = append(toks, Token{Kind: TokName, Text: src[i:j], Line: line})
			i = j
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' && j+1 < len(src) && src[j+1] >= '0' && src[j+1] <= '9') {
				j++
			}
			toks = append(toks, Token{Kind: TokNumber, Text: src[i:j], Line: line})
			i = j
		default:
			op := string(c)
			if i+1 < len(src) {
				switch two := src[i : i+2]; two {
				case "==", "!=", "<=", ">=", "||", "&&", "//", "**":
					op = two
				}
			}
			if !strings.ContainsAny(op[:1], ".[](),:|=<>+-*/%~!{}?&") {
				return nil, 0, 0, fmt.Errorf("line %d: unexpected %q in a tag", line, op)
			}
			toks = append(toks, Token{Kind: TokOp, Text: op, Line: line})
			i += len(op)
		}
	}
	return nil, 0, 0, fmt.Errorf("line %d: tag is never closed (want %s)", start, closer)
}

func isNameStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isNamePart(c byte) bool { return isNameStart(c) || c >= '0' && c <= '9' }
