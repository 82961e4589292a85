namespace PrivateFl.ClientSdk;

/// <summary>The fairness figures of one protected column: per group, and the ratio of the groups' approval rates.</summary>
/// <param name="Column">The protected column, such as <c>Sex</c> or <c>AGE</c>.</param>
/// <param name="Groups">The non-empty groups, in vocabulary order (categorical) or band order (numeric).</param>
/// <param name="ApprovalRateRatio">
/// The lowest approval rate of a group divided by the highest, in [0, 1]: the "four-fifths" figure of the US EEOC
/// Uniform Guidelines (29 CFR 1607.4(D)), where a ratio below 0.8 is read as evidence of adverse impact. 1 when every
/// group has the same rate, including when no group has any approval.
/// </param>
public sealed record ProtectedColumnFairness(string Column, IReadOnlyList<ProtectedGroupMetrics> Groups, double ApprovalRateRatio)
{
    /// <summary>Gets whether <see cref="ApprovalRateRatio"/> is at least <see cref="FairnessReport.FourFifths"/>.</summary>
    public bool MeetsFourFifthsRule => ApprovalRateRatio >= FairnessReport.FourFifths;
}
