namespace PrivateFl.RestHost;

/// <summary>What the host last learnt about the aggregation server.</summary>
/// <param name="Answers">Whether the server answered the last call (even with a refusal).</param>
/// <param name="Problem">What went wrong, for <c>/readyz</c>; null when the call succeeded.</param>
/// <param name="At">When the host asked.</param>
internal sealed record ServerState(bool Answers, string? Problem, DateTimeOffset At)
{
    /// <summary>Before the first refresh.</summary>
    public static readonly ServerState NotAskedYet = new(false, "The host has not reached the aggregation server yet.", DateTimeOffset.MinValue);
}
