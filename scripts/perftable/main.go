// Command perftable measures the CLI the way issue 17 states its budgets:
// whole processes under /usr/bin/time -v, so peak RSS is the kernel's
// figure and not the Go heap's, with go-toml decoding the same files in a
// process of its own as the floor every time is divided by.
//
//	go run ./scripts/perftable                       # the README table
//	go run ./scripts/perftable -sizes 3000 -runs 5   # one row, more runs
//
// Wall times on a shared machine swing with load; the ratios to the floor
// measured in the same run are what to compare across machines.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/apimlint/apimlint/internal/fleetgen"
)

// shape is one way of splitting n nodes into roles.
type shape struct {
	name string
	spec func(n int) fleetgen.Spec
}

var shapes = []shape{
	{"fleetgen", fleetgen.Sized},
	{"wide", fleetgen.Wide},
}

type measurement struct {
	wall   time.Duration
	cpu    time.Duration // user + system: less sensitive to other load than wall time
	rssKiB int
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-decode" {
		if err := decodeAll(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		return
	}
	sizes := flag.String("sizes", "3000,10000,20000", "comma-separated fleet sizes")
	only := flag.String("shapes", "fleetgen,wide", "comma-separated shapes: fleetgen, wide")
	runs := flag.Int("runs", 3, "runs per cell; the median is reported")
	bin := flag.String("apimlint", "", "apimlint binary to measure (default: build ./cmd/apimlint)")
	flag.Parse()
	if err := run(*sizes, *only, *runs, *bin); err != nil {
		fmt.Fprintln(os.Stderr, "perftable:", err)
		os.Exit(2)
	}
}

func run(sizesFlag, shapesFlag string, runs int, bin string) error {
	work, err := os.MkdirTemp("", "perftable")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if bin == "" {
		bin = filepath.Join(work, "apimlint")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/apimlint").CombinedOutput(); err != nil {
			return fmt.Errorf("build apimlint: %w\n%s", err, out)
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var sizes []int
	for _, s := range strings.Split(sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("-sizes: %w", err)
		}
		sizes = append(sizes, n)
	}
	fmt.Printf("machine: %s, %d CPUs, %s; medians of %d runs\n\n", cpuModel(), runtime.NumCPU(), runtime.Version(), runs)
	fmt.Println("| shape | nodes | go-toml decode floor (wall, CPU, RSS) | apimlint lint --format json (wall, CPU) | wall ratio | CPU ratio | peak RSS |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, sh := range shapes {
		if !slices.Contains(strings.Split(shapesFlag, ","), sh.name) {
			continue
		}
		for _, n := range sizes {
			spec := sh.spec(n)
			dir := filepath.Join(work, fmt.Sprintf("%s-%d", sh.name, n))
			if err := fleetgen.WriteDir(dir, spec); err != nil {
				return err
			}
			floor, err := median(runs, self, "-decode", dir)
			if err != nil {
				return err
			}
			lint, err := median(runs, bin, "lint", "--format", "json", "--no-color", dir)
			if err != nil {
				return err
			}
			fmt.Printf("| %s (%d CP, %d TM) | %d | %.3f s, %.3f s, %d MiB | %.3f s, %.3f s | %.1f× | %.1f× | %d MiB |\n",
				sh.name, spec.ControlPlanes, spec.TrafficManagers, n,
				floor.wall.Seconds(), floor.cpu.Seconds(), floor.rssKiB/1024, lint.wall.Seconds(), lint.cpu.Seconds(),
				lint.wall.Seconds()/floor.wall.Seconds(), lint.cpu.Seconds()/floor.cpu.Seconds(), lint.rssKiB/1024)
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
		}
	}
	return nil
}

// median runs the command runs times under /usr/bin/time -v and returns
// the median wall time and the largest peak RSS. apimlint's exit code 1
// (findings) is not a failure here.
func median(runs int, name string, args ...string) (measurement, error) {
	var walls, cpus []time.Duration
	var rss int
	for range runs {
		cmd := exec.Command("/usr/bin/time", append([]string{"-v", name}, args...)...)
		var stderr bytes.Buffer
		cmd.Stdout = nil
		cmd.Stderr = &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && (!errors.As(err, &ee) || ee.ExitCode() > 1) {
			return measurement{}, fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, tail(stderr.String()))
		}
		m, err := parseTime(stderr.String())
		if err != nil {
			return measurement{}, fmt.Errorf("%s: %w", name, err)
		}
		walls = append(walls, m.wall)
		cpus = append(cpus, m.cpu)
		rss = max(rss, m.rssKiB)
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	return measurement{wall: walls[len(walls)/2], cpu: cpus[len(cpus)/2], rssKiB: rss}, nil
}

func parseTime(out string) (measurement, error) {
	var m measurement
	sc := bufio.NewScanner(strings.NewReader(out))
	found := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "Maximum resident set size (kbytes): "); ok {
			m.rssKiB, _ = strconv.Atoi(v)
			found++
		}
		if v, ok := strings.CutPrefix(line, "User time (seconds): "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			m.cpu += time.Duration(f * float64(time.Second))
		}
		if v, ok := strings.CutPrefix(line, "System time (seconds): "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			m.cpu += time.Duration(f * float64(time.Second))
		}
		if v, ok := strings.CutPrefix(line, "Elapsed (wall clock) time (h:mm:ss or m:ss): "); ok {
			m.wall = parseClock(v)
			found++
		}
	}
	if found != 2 {
		return m, fmt.Errorf("no /usr/bin/time -v report in:\n%s", tail(out))
	}
	return m, nil
}

// parseClock reads /usr/bin/time's "m:ss.cc" or "h:mm:ss".
func parseClock(v string) time.Duration {
	var total float64
	for _, part := range strings.Split(v, ":") {
		f, _ := strconv.ParseFloat(part, 64)
		total = total*60 + f
	}
	return time.Duration(total * float64(time.Second))
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}

// decodeAll is the floor: read and decode every deployment.toml below dir
// into map[string]any, which is the least any TOML linter must do.
func decodeAll(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "deployment.toml" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var m map[string]any
		if err := toml.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("decode %s: %w", p, err)
		}
		return nil
	})
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return runtime.GOARCH
}
