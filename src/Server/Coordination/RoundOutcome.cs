namespace PrivateFl.Server.Coordination;

/// <summary>What the last stage of a completed round returns to its clients.</summary>
internal sealed record RoundOutcome(long RoundNumber, long ModelVersion, IReadOnlyList<int> Included, double EpsilonSpent);
