namespace PrivateFl.ClientSdk;

/// <summary>The session does not exist, or has finished all its rounds, so it takes no more training.</summary>
public sealed class SessionEndedException : FederationException
{
    /// <summary>Initialises a new instance.</summary>
    public SessionEndedException()
        : this("The session has ended.")
    {
    }

    /// <summary>Initialises a new instance with a message.</summary>
    /// <param name="message">Why.</param>
    public SessionEndedException(string message)
        : base(message)
    {
    }

    /// <summary>Initialises a new instance with a message and its cause.</summary>
    /// <param name="message">Why.</param>
    /// <param name="inner">The cause.</param>
    public SessionEndedException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
