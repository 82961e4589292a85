namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>A client the server proved to have broken the protocol in a round, and how.</summary>
/// <param name="Client">The client's index in the round.</param>
/// <param name="Misbehaviour">What it did.</param>
public sealed record RoundCulprit(int Client, Misbehaviour Misbehaviour);
