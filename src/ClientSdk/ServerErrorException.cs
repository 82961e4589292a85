namespace PrivateFl.ClientSdk;

/// <summary>The server failed (gRPC INTERNAL, UNKNOWN, DATA_LOSS), refused a request this client sent (INVALID_ARGUMENT, OUT_OF_RANGE, ALREADY_EXISTS, UNIMPLEMENTED, FAILED_PRECONDITION, ABORTED outside a round), or answered something this client cannot use; also any unexpected failure inside the SDK, with its cause as <see cref="Exception.InnerException"/>.</summary>
public sealed class ServerErrorException : FederationException
{
    /// <summary>Initialises a new instance.</summary>
    public ServerErrorException()
        : this("The server failed or answered something this client cannot use.")
    {
    }

    /// <summary>Initialises a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ServerErrorException(string message)
        : base(message)
    {
    }

    /// <summary>Initialises a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="inner">The cause.</param>
    public ServerErrorException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
