namespace PrivateFl.ClientSdk;

/// <summary>
/// The exception thrown when a data file does not match its <see cref="FeatureSchema"/>. It lists every
/// problem of the file, not only the first, so a bank can fix its export in one pass.
/// </summary>
public sealed class DatasetValidationException : Exception
{
    private const int ProblemsInMessage = 20;

    /// <summary>Initialises a new instance.</summary>
    public DatasetValidationException()
        : this("The data set does not match its schema.")
    {
    }

    /// <summary>Initialises a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public DatasetValidationException(string? message)
        : base(message)
    {
        Problems = [];
    }

    /// <summary>Initialises a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="inner">The exception that caused this one.</param>
    public DatasetValidationException(string? message, Exception? inner)
        : base(message, inner)
    {
        Problems = [];
    }

    /// <summary>Initialises a new instance listing the problems of a file.</summary>
    /// <param name="problems">Every problem found; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="problems"/> is <see langword="null"/>.</exception>
    public DatasetValidationException(IEnumerable<DataProblem> problems)
        : this(Materialise(problems))
    {
    }

    private DatasetValidationException(DataProblem[] problems)
        : base(Describe(problems))
    {
        Problems = Array.AsReadOnly(problems);
    }

    /// <summary>Gets every problem found, in file order (header problems first).</summary>
    public IReadOnlyList<DataProblem> Problems { get; }

    private static DataProblem[] Materialise(IEnumerable<DataProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return [.. problems];
    }

    private static string Describe(DataProblem[] problems)
    {
        string head = $"The data set does not match its schema: {problems.Length} problem{(problems.Length == 1 ? string.Empty : "s")}.";
        IEnumerable<string> lines = problems.Take(ProblemsInMessage).Select(p => "  " + p);
        string tail = problems.Length > ProblemsInMessage ? $"\n  … and {problems.Length - ProblemsInMessage} more (see Problems)." : string.Empty;
        return head + "\n" + string.Join("\n", lines) + tail;
    }
}
