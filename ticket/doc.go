// Package ticket is the domain of office hours: a public queue of data
// requests that everyone signed in can read, triage by the data team with
// the history of every change, answers that become a searchable library
// and guide, access requests that an admin grants from the ticket, weekly
// office-hour slots to book, and the queue's health in numbers.
//
// Every request is visible to everyone on purpose: seeing what others
// asked, and what they were told, is how the next person finds an answer
// without asking. What a ticket links to (a dashboard, a notebook) is
// still shown only to those who may open it, by the caller's Linker.
//
// It owns the ticket, office-hour and audit-log rows it writes; it imports
// store and auth, never app or another domain package.
package ticket
