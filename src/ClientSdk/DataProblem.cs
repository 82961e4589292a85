namespace PrivateFl.ClientSdk;

/// <summary>One thing wrong with a data file, found by <see cref="DatasetLoader"/>.</summary>
/// <param name="Row">The 1-based data row (the header is not counted, blank lines are skipped); 0 for a problem with the file or its header.</param>
/// <param name="Column">The column, by header name; <see langword="null"/> for a problem with a whole row or file.</param>
/// <param name="Value">The offending value as read (trimmed), or the raw record for malformed quoting, cut to its first 40 characters and "…"; <see langword="null"/> when there is none.</param>
/// <param name="Reason">What is wrong and what is allowed.</param>
public sealed record DataProblem(int Row, string? Column, string? Value, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{(Row == 0 ? "header" : $"row {Row}")}{(Column is null ? string.Empty : $", column '{Column}'")}{(Value is null ? string.Empty : $", value '{Value}'")}: {Reason}";
}
