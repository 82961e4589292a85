namespace PrivateFl.ClientSdk;

/// <summary>The server does not accept this client: it is not enrolled, it was revoked, or its calls are not signed with the enrolled identity key (gRPC UNAUTHENTICATED or PERMISSION_DENIED).</summary>
public sealed class ClientRejectedException : FederationException
{
    /// <summary>Initialises a new instance.</summary>
    public ClientRejectedException()
        : this("The server does not accept this client.")
    {
    }

    /// <summary>Initialises a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ClientRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Initialises a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="inner">The cause.</param>
    public ClientRejectedException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
