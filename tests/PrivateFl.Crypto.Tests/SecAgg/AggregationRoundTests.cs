using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>Bad input on the server side: each message is rejected and the round goes on to the right sum for the others.</summary>
public sealed class AggregationRoundTests
{
    private const int Clients = 6;

    [Fact]
    public void AcceptMaskedInput_WrongLength_RejectedAndRoundCompletes()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.ShareKeys(harness.AdvertiseKeys());

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptMaskedInput(new MaskedInput(1, new uint[harness.Parameters.VectorLength + 1])));

        Assert.Equal(SecAggViolation.WrongVectorLength, ex.Violation);
        AssertCompletesWithPlainSum(harness, deliveries);
    }

    [Fact]
    public void AcceptMaskedInput_Duplicate_RejectedAndFirstOneCounts()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.ShareKeys(harness.AdvertiseKeys());
        MaskedInput first = harness.Client(1).MaskInput(deliveries[1], harness.Scenario.Inputs[0]);
        harness.Server.AcceptMaskedInput(first);

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptMaskedInput(first with { Vector = new uint[harness.Parameters.VectorLength] }));

        Assert.Equal(SecAggViolation.DuplicateMessage, ex.Violation);
        AssertCompletesWithPlainSum(harness, deliveries, alreadyMasked: 1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Clients + 1)]
    public void AcceptAdvertiseKeys_UnknownSender_RejectedAndRoundCompletes(int sender)
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        using var key = KeyAgreementKey.Generate();
        using var other = KeyAgreementKey.Generate();

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptAdvertiseKeys(new AdvertisedKeys(sender, key.PublicKey.ToArray(), other.PublicKey.ToArray(), Array.Empty<byte>())));

        Assert.Equal(SecAggViolation.UnknownParticipant, ex.Violation);
        AssertCompletesWithPlainSum(harness, harness.ShareKeys(harness.AdvertiseKeys()));
    }

    [Fact]
    public void AcceptMaskedInput_DuringAdvertiseKeys_RejectedAsOutOfOrder()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptMaskedInput(new MaskedInput(1, new uint[harness.Parameters.VectorLength])));

        Assert.Equal(SecAggViolation.StageOutOfOrder, ex.Violation);
        AssertCompletesWithPlainSum(harness, harness.ShareKeys(harness.AdvertiseKeys()));
    }

    [Fact]
    public void AcceptMaskedInput_FromClientThatDroppedAtShareKeys_RejectedAsNotAlive()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest, dropAtShareKeys: 6);
        IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.ShareKeys(harness.AdvertiseKeys());

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptMaskedInput(new MaskedInput(6, new uint[harness.Parameters.VectorLength])));

        Assert.Equal(SecAggViolation.NotAlive, ex.Violation);
        AssertCompletesWithPlainSum(harness, deliveries);
    }

    [Fact]
    public void AcceptAdvertiseKeys_Duplicate_Rejected()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        AdvertisedKeys keys = harness.Client(1).AdvertiseKeys();
        harness.Server.AcceptAdvertiseKeys(keys);

        Assert.Equal(SecAggViolation.DuplicateMessage, Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptAdvertiseKeys(keys)).Violation);
    }

    [Fact]
    public void AcceptAdvertiseKeys_KeyAlreadyAdvertisedByAnother_Rejected()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        AdvertisedKeys first = harness.Client(1).AdvertiseKeys();
        AdvertisedKeys second = harness.Client(2).AdvertiseKeys();
        harness.Server.AcceptAdvertiseKeys(first);

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptAdvertiseKeys(second with { MaskPublicKey = first.MaskPublicKey }));

        Assert.Equal(SecAggViolation.DuplicatePublicKey, ex.Violation);
    }

    [Fact]
    public void AcceptAdvertiseKeys_SmallOrderKey_RejectedSoNoLaterStageTripsOnIt()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        AdvertisedKeys keys = harness.Client(1).AdvertiseKeys();

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptAdvertiseKeys(keys with { MaskPublicKey = new byte[32] }));

        Assert.Equal(SecAggViolation.InvalidPublicKey, ex.Violation);
        harness.Server.AcceptAdvertiseKeys(keys);
    }

    [Fact]
    public void AcceptAdvertiseKeys_BadSignatureInActiveMode_Rejected()
    {
        using RoundHarness harness = Harness(SecAggMode.Active);
        AdvertisedKeys keys = harness.Client(1).AdvertiseKeys();
        byte[] signature = keys.Signature.ToArray();
        signature[0] ^= 1;

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptAdvertiseKeys(keys with { Signature = signature }));

        Assert.Equal(SecAggViolation.InvalidSignature, ex.Violation);
    }

    [Fact]
    public void AcceptShareKeys_MissingANeighbour_RejectedAsMalformed()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        IReadOnlyDictionary<int, KeyDirectory> directories = harness.AdvertiseKeys();
        ShareKeys shares = harness.Client(1).ShareKeys(directories[1]);

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptShareKeys(shares with { Shares = [.. shares.Shares.Skip(1)] }));

        Assert.Equal(SecAggViolation.MalformedMessage, ex.Violation);
    }

    [Fact]
    public void AcceptUnmask_WrongKindOfShare_RejectedAndRoundCompletes()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        SurvivorList survivors = harness.MaskInputs(harness.ShareKeys(harness.AdvertiseKeys()));
        UnmaskShares honest = harness.Client(1).Unmask(survivors);
        RevealedShare[] tampered = [.. honest.Shares];
        tampered[0] = tampered[0] with { Kind = SecretKind.MaskKey };

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptUnmask(honest with { Shares = tampered }));

        Assert.Equal(SecAggViolation.MalformedMessage, ex.Violation);
        harness.Server.AcceptUnmask(honest);
        AggregationResult result = harness.Unmask(c => harness.Client(c).Unmask(survivors), survivors.Survivors.Where(c => c != 1));
        Assert.Equal(PlainSum(harness, result.IncludedClients), result.Sum.ToArray());
    }

    [Fact]
    public void CloseMaskedInput_AfterCompletion_RefusedAsRoundEnded()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        (AggregationResult? result, _) = harness.Run();

        Assert.NotNull(result);
        Assert.Equal(SecAggViolation.RoundEnded, Assert.Throws<SecAggProtocolException>(() => harness.Server.CloseMaskedInput()).Violation);
        Assert.Equal(SecAggViolation.RoundEnded, Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptMaskedInput(new MaskedInput(1, new uint[harness.Parameters.VectorLength]))).Violation);
    }

    [Fact]
    public void IsStageComplete_TracksAwaitedClients()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        Assert.False(harness.Server.IsStageComplete);

        foreach (ClientSession client in harness.Clients)
        {
            harness.Server.AcceptAdvertiseKeys(client.AdvertiseKeys());
        }

        Assert.True(harness.Server.IsStageComplete);
        Assert.Equal(Clients, harness.Server.ReceivedClients.Count);
    }

    private static void AssertCompletesWithPlainSum(RoundHarness harness, IReadOnlyDictionary<int, ShareDelivery> deliveries, int alreadyMasked = 0)
    {
        foreach ((int index, ShareDelivery delivery) in deliveries.Where(d => d.Key > alreadyMasked))
        {
            harness.Server.AcceptMaskedInput(harness.Client(index).MaskInput(delivery, harness.Scenario.Inputs[index - 1]));
        }

        SurvivorList survivors = harness.Server.CloseMaskedInput();
        AggregationResult result = harness.Unmask(c => harness.Client(c).Unmask(survivors), survivors.Survivors);
        Assert.Equal(PlainSum(harness, result.IncludedClients), result.Sum.ToArray());
        Assert.Equal(deliveries.Keys.Order(), result.IncludedClients);
    }

    private static uint[] PlainSum(RoundHarness harness, IEnumerable<int> clients)
    {
        uint[] sum = new uint[harness.Parameters.VectorLength];
        foreach (int client in clients)
        {
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += harness.Scenario.Inputs[client - 1][i];
            }
        }

        return sum;
    }

    private static RoundHarness Harness(SecAggMode mode, int? dropAtShareKeys = null)
    {
        var random = new DeterministicRandom(3);
        int[] drops = Enumerable.Repeat(RoundScenario.Never, Clients).ToArray();
        if (dropAtShareKeys is int client)
        {
            drops[client - 1] = 1;
        }

        return new RoundHarness(new RoundScenario(Clients, 100, NeighbourGraphKind.Complete, mode, drops, [.. Enumerable.Range(0, Clients).Select(_ => random.NextWords(100))], 3));
    }
}
