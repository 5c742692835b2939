package graph_test

import (
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func lookPath(name string) (string, error) { return exec.LookPath(name) }

func runCmd(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

func fmtSscan(s string, v *int) (int, error) { return fmt.Sscan(s, v) }

var (
	boxRE  = regexp.MustCompile(`<g id="node-(\w+)" class="node"[^>]*>(?:<title>[^<]*</title>)?<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"`)
	pathRE = regexp.MustCompile(`<path id="edge-\w+" class="edge"[^>]* d="([^"]+)"`)
)

// svgBoxes returns x, y, width, height of each node's box by node ID.
func svgBoxes(t *testing.T, svg string) map[string][4]float64 {
	t.Helper()
	out := map[string][4]float64{}
	for _, m := range boxRE.FindAllStringSubmatch(svg, -1) {
		var b [4]float64
		for i := range b {
			f, err := strconv.ParseFloat(m[i+2], 64)
			if err != nil {
				t.Fatal(err)
			}
			b[i] = f
		}
		out[m[1]] = b
	}
	return out
}

func svgPaths(svg string) []string {
	var out []string
	for _, m := range pathRE.FindAllStringSubmatch(svg, -1) {
		out = append(out, m[1])
	}
	return out
}

// samplePath returns points along a path of M, L, Q and C commands.
func samplePath(t *testing.T, d string) [][2]float64 {
	t.Helper()
	var pts [][2]float64
	var cur [2]float64
	fields := strings.Fields(d)
	pt := func(s string) [2]float64 {
		x, y, ok := strings.Cut(s, ",")
		fx, err1 := strconv.ParseFloat(x, 64)
		fy, err2 := strconv.ParseFloat(y, 64)
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("bad point %q in path %q", s, d)
		}
		return [2]float64{fx, fy}
	}
	for i := 0; i < len(fields); {
		f := fields[i]
		cmd, rest := f[0], f[1:]
		switch cmd {
		case 'M':
			cur = pt(rest)
			i++
		case 'L':
			p := pt(rest)
			for s := 0.0; s <= 1; s += 0.05 {
				pts = append(pts, [2]float64{cur[0] + (p[0]-cur[0])*s, cur[1] + (p[1]-cur[1])*s})
			}
			cur = p
			i++
		case 'Q':
			c, p := pt(rest), pt(fields[i+1])
			for s := 0.0; s <= 1; s += 0.05 {
				u := 1 - s
				pts = append(pts, [2]float64{u*u*cur[0] + 2*u*s*c[0] + s*s*p[0], u*u*cur[1] + 2*u*s*c[1] + s*s*p[1]})
			}
			cur = p
			i += 2
		case 'C':
			c1, c2, p := pt(rest), pt(fields[i+1]), pt(fields[i+2])
			for s := 0.0; s <= 1; s += 0.05 {
				u := 1 - s
				pts = append(pts, [2]float64{
					u*u*u*cur[0] + 3*u*u*s*c1[0] + 3*u*s*s*c2[0] + s*s*s*p[0],
					u*u*u*cur[1] + 3*u*u*s*c1[1] + 3*u*s*s*c2[1] + s*s*s*p[1]})
			}
			cur = p
			i += 3
		default:
			t.Fatalf("unknown path command %q in %q", f, d)
		}
	}
	return pts
}
