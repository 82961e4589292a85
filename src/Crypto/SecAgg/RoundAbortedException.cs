namespace PrivateFl.Crypto.SecAgg;

/// <summary>
/// The exception thrown when a round cannot complete (too few clients left at a stage). Nothing about the
/// inputs is revealed: the server discards its partial sum and every share it holds.
/// </summary>
public sealed class RoundAbortedException : Exception
{
    /// <summary>Initialises a new instance.</summary>
    public RoundAbortedException()
        : this("The round was aborted.")
    {
    }

    /// <summary>Initialises a new instance with a message.</summary>
    /// <param name="message">Why the round was aborted.</param>
    public RoundAbortedException(string? message)
        : base(message)
    {
    }

    /// <summary>Initialises a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">Why the round was aborted.</param>
    /// <param name="inner">The exception that caused this one.</param>
    public RoundAbortedException(string? message, Exception? inner)
        : base(message, inner)
    {
    }

    /// <summary>Initialises a new instance for an abort at a stage.</summary>
    /// <param name="stage">The stage whose closing aborted the round.</param>
    /// <param name="message">Why the round was aborted.</param>
    public RoundAbortedException(RoundStage stage, string message)
        : base(message)
    {
        Stage = stage;
    }

    /// <summary>Gets the stage whose closing aborted the round.</summary>
    public RoundStage Stage { get; }
}
