namespace PrivateFl.Crypto.SecAgg;

/// <summary>
/// The exception thrown when a party receives a message that breaks a rule of the protocol. The receiver's
/// state is unchanged on the server; a client aborts the round and zeroes its secrets.
/// </summary>
public sealed class SecAggProtocolException : Exception
{
    /// <summary>Initialises a new instance.</summary>
    public SecAggProtocolException()
        : this(SecAggViolation.MalformedMessage, "The message breaks the secure-aggregation protocol.")
    {
    }

    /// <summary>Initialises a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public SecAggProtocolException(string? message)
        : this(SecAggViolation.MalformedMessage, message)
    {
    }

    /// <summary>Initialises a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="inner">The exception that caused this one.</param>
    public SecAggProtocolException(string? message, Exception? inner)
        : base(message, inner)
    {
        Violation = SecAggViolation.MalformedMessage;
    }

    /// <summary>Initialises a new instance for a violated rule.</summary>
    /// <param name="violation">The rule that was broken.</param>
    /// <param name="message">What was wrong, naming the rule; never secret data.</param>
    /// <param name="inner">The exception that caused this one, if any.</param>
    public SecAggProtocolException(SecAggViolation violation, string? message, Exception? inner = null)
        : base(message, inner)
    {
        Violation = violation;
    }

    /// <summary>Gets the rule that was broken.</summary>
    public SecAggViolation Violation { get; }
}
