namespace PrivateFl.ClientSdk;

/// <summary>The aggregation server could not be reached (after retries where a retry is safe).</summary>
public sealed class ServerUnavailableException : FederationException
{
    /// <summary>Initialises a new instance.</summary>
    public ServerUnavailableException()
        : this("The aggregation server is unreachable.")
    {
    }

    /// <summary>Initialises a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ServerUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initialises a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="inner">The cause.</param>
    public ServerUnavailableException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
