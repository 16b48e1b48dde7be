package main

import (
	"flag"
	"io"
	"strconv"

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

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return pier.Errorf(pier.EInvalid, "%s: %v", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return pier.Errorf(pier.EInvalid, "%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
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
