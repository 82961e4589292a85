using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>The SDK's own sessions: a <see cref="ClientSession"/> drawing from the operating system's CSPRNG.</summary>
internal sealed class ClientSessionFactory : IClientSessionFactory
{
    private ClientSessionFactory()
    {
    }

    /// <summary>Gets the factory every client uses unless DI registers another.</summary>
    public static ClientSessionFactory Default { get; } = new();

    /// <inheritdoc/>
    public ClientSession Create(SecAggParameters parameters, int index, SigningKey? identityKey, IReadOnlyDictionary<int, ReadOnlyMemory<byte>>? identityKeys) =>
        new(parameters, index, identityKey, identityKeys);
}
