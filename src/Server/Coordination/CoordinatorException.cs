namespace PrivateFl.Server.Coordination;

/// <summary>A refusal by the coordinator, with a message safe to send to the caller (never secret data).</summary>
internal sealed class CoordinatorException : Exception
{
    public CoordinatorException()
        : this(CoordinatorErrorKind.FailedPrecondition, "The request was refused.")
    {
    }

    public CoordinatorException(string message)
        : this(CoordinatorErrorKind.FailedPrecondition, message)
    {
    }

    public CoordinatorException(string message, Exception inner)
        : base(message, inner)
    {
        Kind = CoordinatorErrorKind.FailedPrecondition;
    }

    public CoordinatorException(CoordinatorErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    public CoordinatorErrorKind Kind { get; }

    /// <summary>Gets the machine-readable <c>google.rpc.ErrorInfo</c> reason (one of <see cref="ErrorReasons"/>), or null for none.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets why a round aborted, without the message's framing (for <see cref="CoordinatorErrorKind.Aborted"/>), or null.</summary>
    public string? RoundReason { get; init; }
}
