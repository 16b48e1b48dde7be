package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app"
)

// newFlags returns a flag set with the store flags every command takes.
func newFlags(name string, cfg *app.Config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.DataDir, "data", "./pier-data", "data directory: SQLite store and default lake")
	fs.StringVar(&cfg.DBURL, "db", "", "postgres:// URL of the metadata store (default: SQLite in --data)")
	return fs
}

// parse reads flags first from the environment as PIER_<FLAG>
// (--flight-addr is PIER_FLIGHT_ADDR), so secrets such as a --db URL with
// a password stay off the command line and out of ps, then from args,
// which win. Only settings come from the environment: the store flags of
// every command and the flags of serve. Flags that name what a command
// acts on (--email, --tier, --table, --pii, …) never do, or a variable
// left exported for one command would silently steer the next.
func parse(fs *flag.FlagSet, args []string) error {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if fs.Name() != "serve" && !storeFlags[f.Name] {
			return
		}
		name := envName(f.Name)
		if v := os.Getenv(name); v != "" && envErr == nil { // empty counts as unset, as in compose files
			if err := fs.Set(f.Name, v); err != nil {
				envErr = pier.Errorf(pier.EInvalid, "%s: %s=%q: %v", fs.Name(), name, v, err)
			}
		}
	})
	if envErr != nil {
		return envErr
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return helpRequested(flagList(fs))
	} else if err != nil {
		return pier.Errorf(pier.EInvalid, "%s: %v", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return pier.Errorf(pier.EInvalid, "%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// storeFlags are the flags every command takes (newFlags).
var storeFlags = map[string]bool{"data": true, "db": true}

func envName(flagName string) string {
	return "PIER_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func required(name, flagName, value string) error {
	if value == "" {
		return pier.Errorf(pier.EInvalid, "%s needs --%s", name, flagName)
	}
	return nil
}

// optBool is a flag that may be left out, or set to true or false.
type optBool struct{ v *bool }

func (o *optBool) String() string {
	if o.v == nil {
		return ""
	}
	return strconv.FormatBool(*o.v)
}

func (o *optBool) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	o.v = &b
	return nil
}

// optString is a flag that may be left out, told apart from an empty value.
type optString struct{ v *string }

func (o *optString) String() string {
	if o.v == nil {
		return ""
	}
	return *o.v
}

func (o *optString) Set(s string) error {
	o.v = &s
	return nil
}

// helpRequested is --help: the command's flags, for standard output.
type helpRequested string

func (h helpRequested) Error() string { return string(h) }

// flagList is how --help lists a command's flags, with the environment
// variable each may come from.
func flagList(fs *flag.FlagSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pier %s takes:\n", fs.Name())
	fs.VisitAll(func(f *flag.Flag) {
		fmt.Fprintf(&b, "  --%s", f.Name)
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(&b, " (default %s)", f.DefValue)
		}
		fmt.Fprintf(&b, "\n      %s", f.Usage)
		if fs.Name() == "serve" || storeFlags[f.Name] {
			fmt.Fprintf(&b, "; or %s", envName(f.Name))
		}
		b.WriteString("\n")
	})
	return b.String()
}
