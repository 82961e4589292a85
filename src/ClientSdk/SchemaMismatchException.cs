namespace PrivateFl.ClientSdk;

/// <summary>The local data's schema differs from the session's: training would mix incompatible features.</summary>
public sealed class SchemaMismatchException : FederationException
{
    /// <summary>Initialises a new instance.</summary>
    public SchemaMismatchException()
        : this("The data's schema differs from the session's.")
    {
    }

    /// <summary>Initialises a new instance with a message.</summary>
    /// <param name="message">What differs.</param>
    public SchemaMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Initialises a new instance with a message and its cause.</summary>
    /// <param name="message">What differs.</param>
    /// <param name="inner">The cause.</param>
    public SchemaMismatchException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
