using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>A server that deviates from the protocol: every deviation is refused by the client, which then erases its secrets.</summary>
public sealed class DishonestServerTests
{
    private const int Clients = 5;

    [Fact]
    public void Unmask_SecondRequestClaimingAPeerDropped_RefusedSoBothSharesAreNeverRevealed()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        SurvivorList survivors = harness.MaskInputs(harness.ShareKeys(harness.AdvertiseKeys()));
        UnmaskShares first = harness.Client(1).Unmask(survivors);

        var ex = Assert.Throws<SecAggProtocolException>(() => harness.Client(1).Unmask(new SurvivorList([1, 3, 4, 5])));

        Assert.Equal(SecAggViolation.RoundEnded, ex.Violation);
        Assert.All(first.Shares, s => Assert.Equal(SecretKind.SelfMaskSeed, s.Kind));
    }

    [Fact]
    public void Unmask_SurvivorThatNeverSharedKeys_RefusedAsNotSubset()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest, dropStage: (5, 1));
        harness.MaskInputs(harness.ShareKeys(harness.AdvertiseKeys()));

        AssertRefused(harness.Client(1), SecAggViolation.SurvivorsNotSubset, c => c.Unmask(new SurvivorList([1, 2, 3, 4, 5])));
    }

    [Fact]
    public void Unmask_ListShrunkBelowThreshold_RefusedAsTooFewSurvivors()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        harness.MaskInputs(harness.ShareKeys(harness.AdvertiseKeys()));

        AssertRefused(harness.Client(1), SecAggViolation.TooFewSurvivors, c => c.Unmask(new SurvivorList([1, 2])));
    }

    [Fact]
    public void Unmask_ListOmittingTheClient_Refused()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        harness.MaskInputs(harness.ShareKeys(harness.AdvertiseKeys()));

        AssertRefused(harness.Client(1), SecAggViolation.SelfNotInSurvivors, c => c.Unmask(new SurvivorList([2, 3, 4, 5])));
    }

    [Fact]
    public void Unmask_UnsortedOrRepeatedList_RefusedAsMalformed()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        harness.MaskInputs(harness.ShareKeys(harness.AdvertiseKeys()));

        AssertRefused(harness.Client(1), SecAggViolation.MalformedMessage, c => c.Unmask(new SurvivorList([1, 2, 2, 3, 4])));
    }

    [Fact]
    public void MaskInput_ShareRelabelledForAnotherRecipient_RefusedAsWrongRecipient()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.ShareKeys(harness.AdvertiseKeys());
        EncryptedShare[] shares = [.. deliveries[1].Shares];
        shares[0] = shares[0] with { Recipient = 2 };

        AssertRefused(harness.Client(1), SecAggViolation.WrongRecipient, c => c.MaskInput(new ShareDelivery(shares), harness.Scenario.Inputs[0]));
    }

    // Active mode: the dealer's signature over each share lets the recipient tell the server's tampering (abort)
    // from a dealer's bad share (complaint). A semi-honest server does not tamper (SECURITY.md).
    [Fact]
    public void MaskInput_ShareForAnotherClientReaddressedToThisOne_FailsAuthentication()
    {
        using RoundHarness harness = Harness(SecAggMode.Active);
        IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.ShareKeys(harness.AdvertiseKeys());
        EncryptedShare stolen = deliveries[2].Shares.First(s => s.Sender == 3);
        EncryptedShare[] shares = [.. deliveries[1].Shares.Where(s => s.Sender != 3), stolen with { Recipient = 1 }];

        AssertRefused(harness.Client(1), SecAggViolation.ShareAuthenticationFailed, c => c.MaskInput(new ShareDelivery(shares), harness.Scenario.Inputs[0]));
    }

    [Fact]
    public void MaskInput_ForgedCiphertext_FailsAuthentication()
    {
        using RoundHarness harness = Harness(SecAggMode.Active);
        IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.ShareKeys(harness.AdvertiseKeys());
        EncryptedShare[] shares = [.. deliveries[1].Shares];
        byte[] forged = shares[0].Ciphertext.ToArray();
        forged[40] ^= 0x80;
        shares[0] = shares[0] with { Ciphertext = forged };

        AssertRefused(harness.Client(1), SecAggViolation.ShareAuthenticationFailed, c => c.MaskInput(new ShareDelivery(shares), harness.Scenario.Inputs[0]));
    }

    [Fact]
    public void MaskInput_ReplayedShare_RefusedAsDuplicate()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.ShareKeys(harness.AdvertiseKeys());
        EncryptedShare[] shares = [.. deliveries[1].Shares, deliveries[1].Shares[0]];

        AssertRefused(harness.Client(1), SecAggViolation.DuplicateMessage, c => c.MaskInput(new ShareDelivery(shares), harness.Scenario.Inputs[0]));
    }

    [Fact]
    public void MaskInput_ShareFromAnotherRoundOfTheSamePeers_FailsAuthentication()
    {
        using RoundHarness first = Harness(SecAggMode.Active, seed: 1);
        using RoundHarness second = Harness(SecAggMode.Active, seed: 2);
        IReadOnlyDictionary<int, ShareDelivery> old = first.ShareKeys(first.AdvertiseKeys());
        IReadOnlyDictionary<int, ShareDelivery> current = second.ShareKeys(second.AdvertiseKeys());
        EncryptedShare[] shares = [.. current[1].Shares.Where(s => s.Sender != 2), old[1].Shares.First(s => s.Sender == 2)];

        AssertRefused(second.Client(1), SecAggViolation.ShareAuthenticationFailed, c => c.MaskInput(new ShareDelivery(shares), second.Scenario.Inputs[0]));
    }

    [Fact]
    public void ShareKeys_DuplicatePublicKeys_Refused()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        IReadOnlyDictionary<int, KeyDirectory> directories = harness.AdvertiseKeys();
        AdvertisedKeys[] entries = [.. directories[1].Entries];
        entries[1] = entries[1] with { MaskPublicKey = entries[0].MaskPublicKey };

        AssertRefused(harness.Client(1), SecAggViolation.DuplicatePublicKey, c => c.ShareKeys(new KeyDirectory(entries)));
    }

    [Fact]
    public void ShareKeys_SmallOrderPublicKey_RefusedAsInvalidPublicKey()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        IReadOnlyDictionary<int, KeyDirectory> directories = harness.AdvertiseKeys();
        AdvertisedKeys[] entries = [.. directories[1].Entries];
        entries[0] = entries[0] with { CipherPublicKey = new byte[32] };

        AssertRefused(harness.Client(1), SecAggViolation.InvalidPublicKey, c => c.ShareKeys(new KeyDirectory(entries)));
    }

    [Fact]
    public void ShareKeys_KeysOfANonNeighbour_Refused()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest, clients: 30, graph: NeighbourGraphKind.Harary);
        IReadOnlyDictionary<int, KeyDirectory> directories = harness.AdvertiseKeys();
        NeighbourGraph graph = NeighbourGraph.Create(harness.Parameters);
        int stranger = Enumerable.Range(2, 29).First(v => !graph.AreNeighbours(1, v));
        AdvertisedKeys[] entries = [.. directories[1].Entries, directories[stranger].Entries[0] with { Sender = stranger }];

        Assert.Equal(NeighbourGraphKind.Harary, harness.Parameters.GraphKind);
        AssertRefused(harness.Client(1), SecAggViolation.NotANeighbour, c => c.ShareKeys(new KeyDirectory(entries)));
    }

    [Fact]
    public void ShareKeys_ForgedAdvertisementSignatureInActiveMode_Refused()
    {
        using RoundHarness harness = Harness(SecAggMode.Active);
        IReadOnlyDictionary<int, KeyDirectory> directories = harness.AdvertiseKeys();
        AdvertisedKeys[] entries = [.. directories[1].Entries];
        using var impostor = KeyAgreementKey.Generate();
        entries[0] = entries[0] with { MaskPublicKey = impostor.PublicKey.ToArray() };

        AssertRefused(harness.Client(1), SecAggViolation.InvalidSignature, c => c.ShareKeys(new KeyDirectory(entries)));
    }

    [Fact]
    public void Unmask_ProofWithForgedSignature_Refused()
    {
        using RoundHarness harness = Harness(SecAggMode.Active);
        ConsistencyProof proof = harness.ConsistencyCheck(harness.MaskInputs(harness.ShareKeys(harness.AdvertiseKeys())));
        ConsistencySignature[] signatures = [.. proof.Signatures];
        using var forger = SigningKey.Generate();
        signatures[1] = signatures[1] with { Signature = forger.Sign("survivors"u8) };

        AssertRefused(harness.Client(1), SecAggViolation.InvalidSignature, c => c.Unmask(proof with { Signatures = signatures }));
    }

    [Fact]
    public void Unmask_ProofOverADifferentListThanSigned_RefusedAsInconsistent()
    {
        using RoundHarness harness = Harness(SecAggMode.Active);
        ConsistencyProof proof = harness.ConsistencyCheck(harness.MaskInputs(harness.ShareKeys(harness.AdvertiseKeys())));

        AssertRefused(harness.Client(1), SecAggViolation.InconsistentSurvivorList, c => c.Unmask(proof with { Survivors = [1, 2, 3, 4] }));
    }

    [Fact]
    public void Unmask_ProofWithTooFewSignatures_Refused()
    {
        using RoundHarness harness = Harness(SecAggMode.Active);
        ConsistencyProof proof = harness.ConsistencyCheck(harness.MaskInputs(harness.ShareKeys(harness.AdvertiseKeys())));

        AssertRefused(harness.Client(1), SecAggViolation.TooFewSurvivors, c => c.Unmask(proof with { Signatures = [.. proof.Signatures.Take(1)] }));
    }

    [Fact]
    public void Unmask_ProofSignatureRepeated_RefusedAsDuplicate()
    {
        using RoundHarness harness = Harness(SecAggMode.Active);
        ConsistencyProof proof = harness.ConsistencyCheck(harness.MaskInputs(harness.ShareKeys(harness.AdvertiseKeys())));

        AssertRefused(harness.Client(1), SecAggViolation.DuplicateMessage, c => c.Unmask(proof with { Signatures = [proof.Signatures[0], proof.Signatures[0], proof.Signatures[1]] }));
    }

    [Fact]
    public void SemiHonestUnmask_InActiveRound_RefusedSoTheConsistencyCheckCannotBeSkipped()
    {
        using RoundHarness harness = Harness(SecAggMode.Active);
        SurvivorList survivors = harness.MaskInputs(harness.ShareKeys(harness.AdvertiseKeys()));

        AssertRefused(harness.Client(1), SecAggViolation.StageOutOfOrder, c => c.Unmask(survivors));
    }

    [Fact]
    public void MaskInput_BeforeShareKeys_RefusedAsOutOfOrder()
    {
        using RoundHarness harness = Harness(SecAggMode.SemiHonest);
        harness.Client(1).AdvertiseKeys();

        AssertRefused(harness.Client(1), SecAggViolation.StageOutOfOrder, c => c.MaskInput(new ShareDelivery([]), new uint[harness.Parameters.VectorLength]));
    }

    private static void AssertRefused(ClientSession client, SecAggViolation violation, Action<ClientSession> step)
    {
        var ex = Assert.Throws<SecAggProtocolException>(() => step(client));
        Assert.Equal(violation, ex.Violation);
        Assert.Equal(ClientStage.Aborted, client.Stage);
        Assert.Equal(SecAggViolation.RoundEnded, Assert.Throws<SecAggProtocolException>(() => client.Unmask(new SurvivorList([client.Index]))).Violation);
    }

    private static RoundHarness Harness(SecAggMode mode, (int Client, int Stage)? dropStage = null, int seed = 11, int clients = Clients, NeighbourGraphKind graph = NeighbourGraphKind.Complete)
    {
        var random = new DeterministicRandom(seed);
        int[] drops = Enumerable.Repeat(RoundScenario.Never, clients).ToArray();
        if (dropStage is (int client, int stage))
        {
            drops[client - 1] = stage;
        }

        return new RoundHarness(new RoundScenario(clients, 64, graph, mode, drops, [.. Enumerable.Range(0, clients).Select(_ => random.NextWords(64))], seed));
    }
}
