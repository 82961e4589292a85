namespace PrivateFl.ClientSdk;

/// <summary>How a model decides and ranks one group of a protected column (such as <c>SEX = 2</c> or <c>AGE [25, 35)</c>).</summary>
/// <param name="Group">The group: a category of the column, or a band <c>[lower, upper)</c> of a numeric column (the last band includes its upper end).</param>
/// <param name="Count">The rows in the group; at least 1 (empty groups are left out of a report).</param>
/// <param name="Defaults">The rows of the group whose label is the positive class (a default).</param>
/// <param name="Approved">The rows the model approves: probability of default below the decision threshold.</param>
/// <param name="ApprovalRate"><paramref name="Approved"/> / <paramref name="Count"/>, in [0, 1].</param>
/// <param name="RocAuc">The ROC AUC of the model within the group; <see langword="null"/> when the group holds only one class.</param>
public sealed record ProtectedGroupMetrics(string Group, int Count, int Defaults, int Approved, double ApprovalRate, double? RocAuc);
