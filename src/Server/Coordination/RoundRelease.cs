namespace PrivateFl.Server.Coordination;

/// <summary>What a committed round released: the model version it made and the session's ε after it.</summary>
internal sealed record RoundRelease(long ModelVersion, double EpsilonSpent);
