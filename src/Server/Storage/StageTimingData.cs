namespace PrivateFl.Server.Storage;

/// <summary>How one stage of a round went.</summary>
/// <param name="Stage">The stage's name (<c>AdvertiseKeys</c>, <c>ShareKeys</c>, …).</param>
/// <param name="Milliseconds">How long the stage was open.</param>
/// <param name="AliveAfter">How many banks were still in the round when it closed.</param>
public sealed record StageTimingData(string Stage, double Milliseconds, int AliveAfter);
