namespace PrivateFl.ClientSdk;

/// <summary>The base of every error the SDK reports about federated training; the message says what to do.</summary>
public class FederationException : Exception
{
    /// <summary>Initialises a new instance.</summary>
    public FederationException()
        : this("Federated training failed.")
    {
    }

    /// <summary>Initialises a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public FederationException(string message)
        : base(message)
    {
    }

    /// <summary>Initialises a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="inner">The cause.</param>
    public FederationException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
