namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>
/// Stage 2 close, server → clients: the clients whose masked inputs the server holds (U3). In semi-honest
/// mode it asks the clients to unmask; in active mode, to sign it.
/// </summary>
/// <param name="Survivors">The indices, ascending.</param>
public sealed record SurvivorList(IReadOnlyList<int> Survivors);
