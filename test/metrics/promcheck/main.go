// promcheck parses a metrics exposition from stdin with Prometheus' own parsers and prints what they
// read, so kubeknock's tests judge its output by the real thing, never by a regular expression of ours.
//
//	promcheck text         < file   the text format 0.0.4, parsed by prometheus/common/expfmt
//	promcheck openmetrics  < file   OpenMetrics 1.0, parsed by Prometheus' scrape parser (model/textparse)
//
// Exit 0 and one JSON object on stdout ({"types": {family: type}, "samples": [{name, labels, value}]});
// exit 1 and the parser's error on stderr when the input is rejected.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"
)

type sample struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
	// A string, so NaN and ±Inf survive JSON.
	Value string `json:"value"`
}

type result struct {
	Types   map[string]string `json:"types"`
	Help    map[string]string `json:"help"`
	Samples []sample          `json:"samples"`
}

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "text" && os.Args[1] != "openmetrics") {
		fmt.Fprintln(os.Stderr, "usage: promcheck text|openmetrics < exposition")
		os.Exit(2)
	}
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "reading stdin:", err)
		os.Exit(2)
	}
	var out result
	if os.Args[1] == "text" {
		out, err = parseText(input)
	} else {
		out, err = parseOpenMetrics(input)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

func formatValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return fmt.Sprintf("%v", v)
}

func parseText(input []byte) (result, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(string(input)))
	if err != nil {
		return result{}, err
	}
	out := result{Types: map[string]string{}, Help: map[string]string{}, Samples: []sample{}}
	for name, family := range families {
		out.Types[name] = strings.ToLower(family.GetType().String())
		out.Help[name] = family.GetHelp()
		for _, metric := range family.GetMetric() {
			if metric.TimestampMs != nil {
				return result{}, fmt.Errorf("%s has a timestamp; a textfile or a push must carry none", name)
			}
			labels := map[string]string{}
			for _, pair := range metric.GetLabel() {
				labels[pair.GetName()] = pair.GetValue()
			}
			var value float64
			switch {
			case metric.Gauge != nil:
				value = metric.GetGauge().GetValue()
			case metric.Counter != nil:
				value = metric.GetCounter().GetValue()
			case metric.Untyped != nil:
				value = metric.GetUntyped().GetValue()
			default:
				// Summaries and histograms (the Pushgateway's own metrics) are parsed, not listed.
				continue
			}
			out.Samples = append(out.Samples, sample{Name: name, Labels: labels, Value: formatValue(value)})
		}
	}
	return out, nil
}

func parseOpenMetrics(input []byte) (result, error) {
	parser := textparse.NewOpenMetricsParser(input, labels.NewSymbolTable())
	out := result{Types: map[string]string{}, Help: map[string]string{}, Samples: []sample{}}
	family := ""
	for {
		entry, err := parser.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return result{}, err
		}
		switch entry {
		case textparse.EntryType:
			name, kind := parser.Type()
			out.Types[string(name)] = string(kind)
			family = string(name)
		case textparse.EntryUnit:
			name, unit := parser.Unit()
			// OpenMetrics 1.0: a family with a unit has a name that ends in it.
			if !strings.HasSuffix(string(name), "_"+string(unit)) {
				return result{}, fmt.Errorf("# UNIT %s %s: the family name must end with _%s", name, unit, unit)
			}
		case textparse.EntryHelp:
			name, help := parser.Help()
			out.Help[string(name)] = string(help)
		case textparse.EntrySeries:
			_, timestamp, value := parser.Series()
			var lset labels.Labels
			parser.Labels(&lset)
			if timestamp != nil {
				return result{}, fmt.Errorf("%s has a timestamp; a textfile or a push must carry none", lset.String())
			}
			pairs := map[string]string{}
			lset.Range(func(l labels.Label) {
				if l.Name != labels.MetricName {
					pairs[l.Name] = l.Value
				}
			})
			name := lset.Get(labels.MetricName)
			if err := checkSampleName(name, family, model.MetricType(out.Types[family])); err != nil {
				return result{}, err
			}
			out.Samples = append(out.Samples, sample{Name: name, Labels: pairs, Value: formatValue(value)})
		}
	}
}

// checkSampleName holds a sample to the names OpenMetrics 1.0 gives each family type (the parser
// itself accepts any): a counter's samples are <family>_total (or _created), an info's <family>_info,
// a gauge's and an unknown's the family name itself.
func checkSampleName(name, family string, kind model.MetricType) error {
	var allowed []string
	switch kind {
	case model.MetricTypeCounter:
		allowed = []string{family + "_total", family + "_created"}
	case "info":
		allowed = []string{family + "_info"}
	case model.MetricTypeGauge, model.MetricTypeUnknown, "":
		allowed = []string{family}
	default:
		return nil
	}
	for _, ok := range allowed {
		if name == ok {
			return nil
		}
	}
	return fmt.Errorf("sample %s in family %s of type %s: OpenMetrics names it %s", name, family, kind, strings.Join(allowed, " or "))
}
