namespace OrleansConsistency.Runtime.Activation;

/// <summary>What became of a call handed to an activation's mailbox.</summary>
internal enum MailboxDelivery
{
    /// <summary>Queued (or started at once, for an interleaving call).</summary>
    Queued,

    /// <summary>The activation is going away; wait for it and deliver to the next one.</summary>
    Closed,

    /// <summary>The mailbox holds its limit of waiting calls; the call is refused.</summary>
    Full,
}
