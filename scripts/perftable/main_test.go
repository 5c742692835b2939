package main

import (
	"testing"
	"time"
)

// A report as GNU time 1.9 writes it with -v (trimmed).
const timeReport = `	Command being timed: "apimlint lint --format json /tmp/x"
	User time (seconds): 1.23
	System time (seconds): 0.17
	Percent of CPU this job got: 180%
	Elapsed (wall clock) time (h:mm:ss or m:ss): 0:02.49
	Maximum resident set size (kbytes): 283336
	Exit status: 1
`

func TestParseTime(t *testing.T) {
	m, err := parseTime(timeReport)
	if err != nil {
		t.Fatal(err)
	}
	if m.wall != 2490*time.Millisecond || m.cpu != 1400*time.Millisecond || m.rssKiB != 283336 {
		t.Errorf("parseTime = %+v", m)
	}
	if _, err := parseTime("apimlint: no such file\n"); err == nil {
		t.Error("a run without a time report was taken for one")
	}
	if got := parseClock("1:02:03"); got != time.Hour+2*time.Minute+3*time.Second {
		t.Errorf("parseClock(1:02:03) = %v", got)
	}
}
