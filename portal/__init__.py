"""The base every app stands on: the user account, sign-in glue, audit, mailbox, notices, downloads, uploads,
permissions and middleware. It imports no domain app."""
