// Command pier is Pier's binary: it serves the web app and API, migrates the
// metadata store, manages users, grants, table properties and tokens,
// writes the demo lake and runs the benchmarks. It reads flags into one
// Config and calls app; it holds no logic of its own.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/query/sandbox"
)

const usage = `Usage:
  pier serve   [--addr :8080] [--data DIR] [--db URL] [--lake DIR] [--no-demo]
  pier migrate [--data DIR] [--db URL]
  pier users add   --email E --name N --tier view|handle|analyze|data|admin --password-stdin
  pier users set   --email E [--tier T] [--disabled true|false]
  pier users reset-password --email E
  pier grants add  --email E --table T [--pii]
  pier tables set  --table T [--restricted true|false] [--pii COL,COL] [--description TEXT] [--owner EMAIL] [--expect-every 26h]
  pier tokens create --email E [--name N]
  pier tokens list   --email E
  pier tokens revoke --id ID
  pier demo    [--lake DIR] [--scale small|medium|large]
  pier bench   [--data DIR] [--scale small|medium|large] [--views N] [--iterations N] [--viewers N]
Every command takes --data DIR (default ./pier-data) or --db postgres://…;
"pier COMMAND --help" lists all of a command's flags.
`

func main() {
	sandbox.RunIfWorker() // workers are this binary started again
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout)
	stop()
	var help helpRequested
	if errors.As(err, &help) {
		fmt.Print(help)
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pier: "+oneLine(err))
		os.Exit(exitCode(err))
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError("name a command")
	}
	cmd, rest := args[0], args[1:]
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout)
	case "migrate":
		return migrate(ctx, rest, stdout)
	case "users add":
		return usersAdd(ctx, rest, stdin, stdout)
	case "users set":
		return usersSet(ctx, rest, stdout)
	case "grants add":
		return grantsAdd(ctx, rest, stdout)
	case "tables set":
		return tablesSet(ctx, rest, stdout)
	case "users reset-password":
		return usersResetPassword(ctx, rest, stdout)
	case "tokens create":
		return tokensCreate(ctx, rest, stdout)
	case "tokens list":
		return tokensList(ctx, rest, stdout)
	case "tokens revoke":
		return tokensRevoke(ctx, rest, stdout)
	case "demo":
		return demo(ctx, rest, stdout)
	case "bench":
		return bench(ctx, rest, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	if forms := usageOf(args[0]); len(forms) > 0 {
		return usageError(fmt.Sprintf("%q is not a command; `pier %s` takes one of: %s", cmd, args[0], strings.Join(forms, " | ")))
	}
	return usageError(fmt.Sprintf("unknown command %q", cmd))
}

// usageOf returns the usage lines of a command group such as "tables", so
// that `pier tables` alone says what it takes.
func usageOf(group string) []string {
	var forms []string
	for _, line := range strings.Split(usage, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if strings.HasPrefix(line, "pier "+group+" ") {
			forms = append(forms, line)
		}
	}
	return forms
}

func usageError(msg string) error {
	return pier.Errorf(pier.EInvalid, "%s; run `pier help` for the list of commands", msg)
}

func oneLine(err error) string {
	msg := err.Error()
	var pe *pier.Error
	if errors.As(err, &pe) {
		msg = pe.Message
	}
	return strings.Join(strings.Fields(msg), " ")
}

func exitCode(err error) int {
	switch pier.ErrorCode(err) {
	case pier.EInvalid, pier.ENotFound, pier.EConflict:
		return 2
	}
	return 1
}
