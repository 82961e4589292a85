using PrivateFl.Crypto.SecAgg.Messages;

namespace PrivateFl.Server.Coordination;

/// <summary>One cohort's unmasked sum, as its driver released it: the cohort and its <see cref="AggregationResult"/> (the sum and who is in it).</summary>
internal sealed record CohortRelease(RoundDriver Cohort, AggregationResult Aggregate);
