using System.Security.Cryptography;
using Grpc.Core;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using ShareKeys = PrivateFl.Crypto.SecAgg.Messages.ShareKeys;
using PrivateFl.Protocol.V1;
using SecAggMode = PrivateFl.Protocol.V1.SecAggMode;

namespace PrivateFl.IntegrationTests;

/// <summary>Issue 9 §4 over real gRPC: one enrolled bank deals well-formed garbage shares in every round.</summary>
public sealed class MisbehavingBankTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task TrainAsync_OneBankDealsGarbageShares_RoundsCompleteWithoutItAndItIsNamedThenSuspended()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(stageDeadline: TimeSpan.FromSeconds(5));
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(5);
        string[] ids = [.. Enumerable.Range(1, 5).Select(i => $"bank-{i}")];
        await server.EnrollAllAsync(ids);
        await server.CreateCreditSessionAsync("garbage", clients: 5, rounds: 3, mode: SecAggMode.Active);
        var clients = ids.Select(id => server.Client(id)).ToList();
        clients[4].TamperShares = Garble;

        Task<TrainingReport>[] training = [.. clients.Select((c, i) => c.TrainAsync("garbage", banks[i]))];
        TrainingReport[] honest = await Task.WhenAll(training[..4]).WaitAsync(Limit);
        await Record.ExceptionAsync(() => training[4].WaitAsync(Limit));

        Assert.All(honest, r => Assert.Equal(3, r.RoundsParticipated));
        var rounds = (await server.Admin.ListRoundsAsync(new ListRoundsRequest { SessionId = "garbage" }, InProcessServer.AdminCall())).Rounds;
        Assert.Equal(3, rounds.Count);
        Assert.All(rounds, round =>
        {
            Assert.Equal("COMPLETED", round.Outcome);
            Assert.Equal(ids[..4], round.Included);
            RoundCulprit culprit = Assert.Single(round.Culprits);
            Assert.Equal(("bank-5", Misbehaviour.InvalidShare), (culprit.ClientId, culprit.Misbehaviour));
        });
        Assert.Equal(4, (await clients[0].GetGlobalModelAsync("garbage")).Contributors);

        // Caught three times (the default of RoundOptions.SuspendAfterMisbehaviours): suspended and refused.
        ClientInfo bad = (await server.Admin.ListClientsAsync(new ListClientsRequest(), InProcessServer.AdminCall())).Clients.Single(c => c.ClientId == "bank-5");
        Assert.True(bad.Suspended);
        Assert.Equal(3u, bad.MisbehaviourCount);
        var refused = await Assert.ThrowsAsync<ClientRejectedException>(() => clients[4].GetSessionAsync("garbage"));
        Assert.Equal(StatusCode.Unauthenticated, Assert.IsType<RpcException>(refused.InnerException).StatusCode);

        // An operator reinstates it by re-enrolling it with its own key.
        ClientInfo reinstated = await server.Admin.EnrollClientAsync(new EnrollClientRequest { ClientId = "bank-5", IdentityPublicKey = Google.Protobuf.ByteString.CopyFrom(clients[4].IdentityPublicKey) }, InProcessServer.AdminCall());
        Assert.False(reinstated.Suspended);
        Assert.Equal("garbage", (await clients[4].GetSessionAsync("garbage")).SessionId);
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    /// <summary>Every share a random ciphertext of the right size, signed by the bank itself so that the server routes it.</summary>
    private static ShareKeys Garble(ShareKeys shares, SigningKey identity, RoundIdentity round) =>
        shares with
        {
            Shares = [.. shares.Shares.Select(s =>
            {
                byte[] ciphertext = RandomNumberGenerator.GetBytes(s.Ciphertext.Length);
                return s with { Ciphertext = ciphertext, Signature = identity.Sign(CommitmentEncoding.ShareSignaturePayload(round, s.Sender, s.Recipient, s.Commitments.Span, ciphertext)) };
            })],
        };
}
