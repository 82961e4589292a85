using System.Reflection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.SecAgg;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Claims;

/// <summary>
/// specs/protocol.md §2.6 "A client that refuses a message aborts its round and erases every secret it holds",
/// SECURITY.md "Keys are zeroed after use", and the associated data of §2.4 / SECURITY.md "associated data binding
/// session, round, graph seed, sender and recipient" (docs/claims.md).
/// </summary>
public sealed class ClientRefusalClaimsTests
{
    public static TheoryData<string> Refusals => new() { "forged share", "forged advertisement", "list without itself", "shrunk list" };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Refusal_AtAnyStage_ClientAbortsAndHoldsNoSecret(string refusal)
    {
        var random = new DeterministicRandom(17);
        var scenario = new RoundScenario(5, 8, NeighbourGraphKind.Complete, SecAggMode.Active, [.. Enumerable.Repeat(RoundScenario.Never, 5)], [.. Enumerable.Range(0, 5).Select(_ => random.NextWords(8))], 17);
        using var harness = new RoundHarness(scenario);
        IReadOnlyDictionary<int, KeyDirectory> directories = harness.AdvertiseKeys();
        ClientSession client = harness.Client(1);
        Action refused;
        if (refusal == "forged advertisement")
        {
            AdvertisedKeys[] entries = [.. directories[1].Entries];
            using var impostor = KeyAgreementKey.Generate();
            entries[0] = entries[0] with { CipherPublicKey = impostor.PublicKey.ToArray() };
            refused = () => client.ShareKeys(new KeyDirectory(entries));
        }
        else
        {
            IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.ShareKeys(directories);
            if (refusal == "forged share")
            {
                EncryptedShare[] shares = [.. deliveries[1].Shares];
                byte[] forged = shares[0].Ciphertext.ToArray();
                forged[30] ^= 0x04;
                shares[0] = shares[0] with { Ciphertext = forged };
                refused = () => client.MaskInput(new ShareDelivery(shares), scenario.Inputs[0]);
            }
            else
            {
                SurvivorList survivors = harness.MaskInputs(deliveries);
                int[] list = refusal == "list without itself" ? [.. survivors.Survivors.Where(s => s != 1)] : [1, 2];
                refused = () => client.ConsistencyCheck(new SurvivorList(list));
            }
        }

        Assert.Throws<SecAggProtocolException>(refused);

        Assert.Equal(ClientStage.Aborted, client.Stage);
        AssertHoldsNoSecret(client, "_cipherKey", "_maskKey");
    }

    /// <summary>
    /// After unmasking a client holds no share key, cipher key, self-mask seed or neighbour's share. Its mask key s_u is
    /// not checked here: whether it is kept after Unmask (for pair points on demand) is the unmask rework on branch expel.
    /// </summary>
    [Fact]
    public void Run_CompletedRound_ClientHoldsNoSecretButPossiblyItsMaskKeyAfterUnmasking()
    {
        var random = new DeterministicRandom(3);
        var scenario = new RoundScenario(5, 8, NeighbourGraphKind.Complete, SecAggMode.SemiHonest, [.. Enumerable.Repeat(RoundScenario.Never, 5)], [.. Enumerable.Range(0, 5).Select(_ => random.NextWords(8))], 3);
        using var harness = new RoundHarness(scenario);

        (AggregationResult? result, _) = harness.Run();

        Assert.NotNull(result);
        Assert.All(harness.Clients, c => AssertHoldsNoSecret(c, "_cipherKey"));
    }

    /// <summary>
    /// The share associated data differs for any change of session, round number, graph seed, sender or recipient,
    /// so a share sealed for one (round, pair) fails authentication under any other, even with the same key.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property ShareAssociatedData_AnyBoundFieldChanged_OtherBytesAndTheShareFails() =>
        Prop.ForAll(
            Arb.From(from field in Gen.Choose(0, 4)
                     from sender in Gen.Choose(1, 1 << 20)
                     from recipient in Gen.Choose(1, 1 << 20)
                     from round in Gen.Choose(0, int.MaxValue)
                     from seedByte in Gen.Choose(0, 255)
                     select (field, sender, recipient, round, seedByte)),
            s =>
            {
                byte[] seed = new byte[32];
                seed[s.seedByte % 32] = (byte)s.seedByte;
                var identity = new RoundIdentity("bank-session", s.round, seed);
                byte[] otherSeed = (byte[])seed.Clone();
                otherSeed[5] ^= 0x01;
                (RoundIdentity round, int sender, int recipient) other = s.field switch
                {
                    0 => (new RoundIdentity("bank-session2", s.round, seed), s.sender, s.recipient),
                    1 => (new RoundIdentity("bank-session", s.round == int.MaxValue ? 0 : s.round + 1, seed), s.sender, s.recipient),
                    2 => (new RoundIdentity("bank-session", s.round, otherSeed), s.sender, s.recipient),
                    3 => (identity, s.sender == 1 ? 2 : s.sender - 1, s.recipient),
                    _ => (identity, s.sender, s.recipient == 1 ? 2 : s.recipient - 1),
                };
                byte[] key = new byte[Aead.KeySize];
                key[0] = 1;
                byte[] sealedShare = Aead.Encrypt(key, new byte[ProtocolEncoding.SharePlaintextSize], ProtocolEncoding.ShareAssociatedData(identity, s.sender, s.recipient));
                byte[] otherData = ProtocolEncoding.ShareAssociatedData(other.round, other.sender, other.recipient);

                bool fails;
                try
                {
                    Aead.Decrypt(key, sealedShare, otherData);
                    fails = false;
                }
                catch (System.Security.Cryptography.AuthenticationTagMismatchException)
                {
                    fails = true;
                }

                return (fails && !otherData.AsSpan().SequenceEqual(ProtocolEncoding.ShareAssociatedData(identity, s.sender, s.recipient))).Label($"field {s.field}");
            });

    private static void AssertHoldsNoSecret(ClientSession client, params string[] keyFields)
    {
        Assert.Empty(Field<System.Collections.ICollection>(client, "_shareKeys"));
        Assert.Empty(Field<System.Collections.ICollection>(client, "_heldShares"));
        Assert.Null(Field<byte[]?>(client, "_selfMaskSeed"));
        foreach (string name in keyFields)
        {
            KeyAgreementKey? key = Field<KeyAgreementKey?>(client, name);
            if (key is not null)
            {
                Assert.Throws<ObjectDisposedException>(() => key.DeriveSharedKey(key.PublicKey, "privatefl/v1/test", [], new byte[32]));
            }
        }
    }

    private static T Field<T>(ClientSession client, string name) =>
        (T)typeof(ClientSession).GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(client)!;
}
