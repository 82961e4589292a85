namespace PrivateFl.ClientSdk;

/// <summary>This bank's own privacy ledger (<see cref="FederatedClientOptions.LedgerDirectory"/>) cannot be read or written; training stops before the next update leaves the bank, since its ε could not be accounted.</summary>
public sealed class PrivacyLedgerException : FederationException
{
    /// <summary>Initialises a new instance.</summary>
    public PrivacyLedgerException()
        : this("The privacy ledger cannot be read or written.")
    {
    }

    /// <summary>Initialises a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public PrivacyLedgerException(string message)
        : base(message)
    {
    }

    /// <summary>Initialises a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="inner">The cause.</param>
    public PrivacyLedgerException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
