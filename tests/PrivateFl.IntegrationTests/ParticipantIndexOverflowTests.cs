using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests;

/// <summary>
/// Found by the service fuzzer: a participant index of 2^31 or more in a share (sender, recipient or owner) made the
/// handler throw an OverflowException, which reached the caller as UNKNOWN. It is a malformed request.
/// </summary>
public sealed class ParticipantIndexOverflowTests
{
    public static TheoryData<string, uint, uint> ShareIndices => new()
    {
        { "sender", 2_147_483_648, 2 },
        { "recipient", 1, uint.MaxValue },
    };

    [Theory]
    [MemberData(nameof(ShareIndices))]
    public async Task ShareKeys_IndexAboveInt32_InvalidArgument(string field, uint sender, uint recipient)
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        Federation.FederationClient federation = await SignedClientAsync(server);
        var request = new ShareKeysRequest { Round = new RoundRef { ProtocolVersion = ProtocolVersion._1, SessionId = "s", RoundNumber = 1 } };
        request.Shares.Add(new EncryptedShareMessage { Sender = sender, Recipient = recipient, Ciphertext = ByteString.CopyFrom(new byte[172]) });

        var ex = await Assert.ThrowsAsync<RpcException>(() => federation.ShareKeysAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(field, ex.Status.Detail, StringComparison.Ordinal);
        Assert.NotNull(ex.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>());
    }

    [Fact]
    public async Task Unmask_OwnerAboveInt32_InvalidArgument()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        Federation.FederationClient federation = await SignedClientAsync(server);
        var request = new UnmaskRequest { Round = new RoundRef { ProtocolVersion = ProtocolVersion._1, SessionId = "s", RoundNumber = 1 } };
        request.Shares.Add(new RevealedShareMessage { Owner = uint.MaxValue, Kind = SecretKind.MaskKey, Share = ByteString.CopyFrom(new byte[68]) });

        var ex = await Assert.ThrowsAsync<RpcException>(() => federation.UnmaskAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("owner", ex.Status.Detail, StringComparison.Ordinal);
    }

    private static async Task<Federation.FederationClient> SignedClientAsync(InProcessServer server)
    {
        SigningKey key = await server.EnrollAsync("bank-1");
        GrpcChannel channel = GrpcChannel.ForAddress(server.Address);
        return new Federation.FederationClient(channel.CreateCallInvoker().Intercept(new CallSigningInterceptor("bank-1", key, TimeProvider.System)));
    }
}
