namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>The outcome of a completed round: Σ x_u mod 2^32 over exactly <paramref name="IncludedClients"/>.</summary>
/// <param name="Sum">The unmasked sum.</param>
/// <param name="IncludedClients">The clients whose inputs the sum contains (U3), ascending.</param>
public sealed record AggregationResult(ReadOnlyMemory<uint> Sum, IReadOnlyList<int> IncludedClients);
