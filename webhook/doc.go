// Package webhook sends Slack-compatible messages ({"text": …}) to the one
// outgoing webhook an admin configures. Messages wait in an outbox table
// and a worker delivers them, retrying failures with exponential backoff,
// so a slow or broken receiver never holds up the request that caused a
// message, and a restart loses none.
//
// The URL is checked when it is saved and again on every connection: a
// receiver on a loopback, private, link-local or otherwise internal
// address is refused unless an admin allowed such addresses explicitly,
// so that nobody can use Pier to reach services behind its firewall.
// Redirects are not followed, for the same reason.
//
// It imports store and pier only.
package webhook
