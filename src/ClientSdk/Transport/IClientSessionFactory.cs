using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>
/// Makes the secure-aggregation session of each round the client takes part in. The SDK registers
/// <see cref="ClientSessionFactory.Default"/>, which makes its own; tests register another to play a bank whose
/// cryptographic state is corrupted, without any branch in the shipped round code.
/// </summary>
internal interface IClientSessionFactory
{
    /// <summary>Creates the session of one round; the caller disposes it.</summary>
    ClientSession Create(SecAggParameters parameters, int index, SigningKey? identityKey, IReadOnlyDictionary<int, ReadOnlyMemory<byte>>? identityKeys);
}
