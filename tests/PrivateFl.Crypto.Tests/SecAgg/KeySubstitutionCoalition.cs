using System.Security.Cryptography;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// A coalition of the server and corrupted clients that substitutes mask public keys in the key directories it
/// hands honest clients (re-signing them with the corrupted clients' identity keys in active mode), runs every
/// other stage with the real state machines, and then tries to recover the target's input from its view:
/// y_target − PRG(b_target) − the pairwise masks it can compute (those of its own coalition keys). Under the
/// key-copy attack of issue 9 every other pairwise mask of the target cancels and the estimate is x_target.
/// </summary>
internal static class KeySubstitutionCoalition
{
    /// <summary>Parameters that assume the coalition's size: γ = 1/2 (SecAgg+ with the relaxed σ = 20, η = 5 of small test rounds).</summary>
    public static SecAggParameters HalfCorruptedParameters(RoundScenario scenario)
    {
        byte[] graphSeed = SHA256.HashData(BitConverter.GetBytes(scenario.Seed));
        var round = new RoundIdentity("test-session", scenario.Seed & int.MaxValue, graphSeed);
        return scenario.Graph == NeighbourGraphKind.Complete
            ? SecAggParameters.Complete(scenario.ClientCount, scenario.VectorLength, round, scenario.Mode, dropoutRate: 0.1, corruptedFraction: 0.5)
            : SecAggParameters.SecAggPlus(scenario.ClientCount, scenario.VectorLength, round, scenario.Mode, dropoutRate: 0.1, corruptedFraction: 0.5, securityBits: 20, correctnessBits: 5);
    }

    public static CoalitionOutcome Run(RoundScenario scenario, int target, IReadOnlyDictionary<int, (KeySubstitution Kind, int Victim)> plan, int smallOrderPick = 0)
    {
        using var harness = new RoundHarness(scenario, HalfCorruptedParameters(scenario));
        SecAggParameters parameters = harness.Parameters;
        NeighbourGraph graph = NeighbourGraph.Create(parameters);
        bool active = parameters.Mode == SecAggMode.Active;
        var coalitionKeys = new Dictionary<int, KeyAgreementKey>();
        var refusals = new Dictionary<int, SecAggViolation>();
        try
        {
            // Stage 0: everybody advertises genuinely to the server's state machine; the coalition keeps the originals.
            var advertised = new Dictionary<int, AdvertisedKeys>();
            foreach (ClientSession client in harness.Clients)
            {
                advertised[client.Index] = client.AdvertiseKeys();
                harness.Server.AcceptAdvertiseKeys(advertised[client.Index]);
            }

            IReadOnlyDictionary<int, KeyDirectory> directories = harness.Server.CloseAdvertiseKeys();
            var substituted = new Dictionary<int, AdvertisedKeys>();
            foreach ((int corrupted, (KeySubstitution kind, int victim)) in plan)
            {
                byte[] maskKey = SubstituteKey(kind, advertised[victim].MaskPublicKey.Span, victim, scenario, coalitionKeys, corrupted, smallOrderPick);
                AdvertisedKeys original = advertised[corrupted];
                byte[] signature = active
                    ? harness.IdentityKey(corrupted).Sign(ProtocolEncoding.AdvertisePayload(parameters.Round, corrupted, original.CipherPublicKey.Span, maskKey, original.SelfMaskCommitment.Span))
                    : [];
                substituted[corrupted] = original with { MaskPublicKey = maskKey, Signature = signature };
            }

            // Stage 1: honest clients get directories with the substituted entries; corrupted ones the genuine directory.
            foreach ((int index, KeyDirectory directory) in directories)
            {
                KeyDirectory view = plan.ContainsKey(index)
                    ? directory
                    : new KeyDirectory([.. directory.Entries.Select(e => substituted.GetValueOrDefault(e.Sender, e))]);
                if (TryStep(harness.Client(index), refusals, c => c.ShareKeys(view)) is ShareKeys shares)
                {
                    harness.Server.AcceptShareKeys(shares);
                }
            }

            IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.Server.CloseShareKeys();

            // Stage 2.
            uint[]? targetMasked = null;
            foreach ((int index, ShareDelivery delivery) in deliveries)
            {
                if (TryStep(harness.Client(index), refusals, c => c.MaskInput(delivery, scenario.Inputs[index - 1])) is MaskedInput masked)
                {
                    harness.Server.AcceptMaskedInput(masked);
                    if (index == target)
                    {
                        targetMasked = masked.Vector.ToArray();
                    }
                }
            }

            SurvivorList survivors = harness.Server.CloseMaskedInput();

            // Stages 3 and 4: the coalition keeps every revealed share it is sent.
            var revealed = new List<UnmaskShares>();
            if (active)
            {
                foreach (int index in survivors.Survivors)
                {
                    if (TryStep(harness.Client(index), refusals, c => c.ConsistencyCheck(survivors)) is ConsistencySignature signature)
                    {
                        harness.Server.AcceptConsistencySignature(signature);
                    }
                }

                ConsistencyProof proof = harness.Server.CloseConsistencyCheck();
                foreach (ConsistencySignature signer in proof.Signatures)
                {
                    if (TryStep(harness.Client(signer.Sender), refusals, c => c.Unmask(proof)) is UnmaskShares shares)
                    {
                        revealed.Add(shares);
                    }
                }
            }
            else
            {
                foreach (int index in survivors.Survivors)
                {
                    if (TryStep(harness.Client(index), refusals, c => c.Unmask(survivors)) is UnmaskShares shares)
                    {
                        revealed.Add(shares);
                    }
                }
            }

            foreach (UnmaskShares shares in revealed)
            {
                harness.Server.AcceptUnmask(shares);
            }

            _ = harness.Server.CloseUnmask();
            return Outcome(refusals, aborted: false, Estimate(harness.Parameters, graph, target, advertised[target].MaskPublicKey, targetMasked, revealed, plan, substituted, coalitionKeys));
        }
        catch (RoundAbortedException)
        {
            return Outcome(refusals, aborted: true, estimate: null);
        }
        finally
        {
            foreach (KeyAgreementKey key in coalitionKeys.Values)
            {
                key.Dispose();
            }
        }

        CoalitionOutcome Outcome(Dictionary<int, SecAggViolation> refused, bool aborted, uint[]? estimate) =>
            new(refused.TryGetValue(target, out SecAggViolation v) ? v : null, refused, aborted, estimate);
    }

    /// <summary>The coalition's best estimate of x_target, or null when its view lacks y_target or t shares of b_target.</summary>
    private static uint[]? Estimate(
        SecAggParameters parameters,
        NeighbourGraph graph,
        int target,
        ReadOnlyMemory<byte> targetMaskKey,
        uint[]? targetMasked,
        List<UnmaskShares> revealed,
        IReadOnlyDictionary<int, (KeySubstitution Kind, int Victim)> plan,
        Dictionary<int, AdvertisedKeys> substituted,
        Dictionary<int, KeyAgreementKey> coalitionKeys)
    {
        ShamirShare[] shares = [.. revealed.SelectMany(m => m.Shares).Where(s => s.Owner == target && s.Kind == SecretKind.SelfMaskSeed).Select(s => ShamirShare.Decode(s.Share.Span))];
        if (targetMasked is null || shares.Length < parameters.Threshold)
        {
            return null;
        }

        uint[] estimate = targetMasked;
        byte[] seed = new byte[MaskGenerator.SeedSize];
        try
        {
            Shamir.Reconstruct(shares, parameters.Threshold, seed);
            MaskGenerator.SubtractMask(seed, estimate);
            foreach ((int corrupted, KeyAgreementKey key) in coalitionKeys)
            {
                if (!graph.AreNeighbours(target, corrupted) || plan[corrupted].Kind != KeySubstitution.CoalitionKey)
                {
                    continue;
                }

                CoalitionMaskSeed(key, corrupted, substituted[corrupted].MaskPublicKey.Span, target, targetMaskKey.Span, parameters.Round, seed);
                if (target < corrupted)
                {
                    MaskGenerator.SubtractMask(seed, estimate);
                }
                else
                {
                    MaskGenerator.AddMask(seed, estimate);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            foreach (ShamirShare share in shares)
            {
                share.Dispose();
            }
        }

        return estimate;
    }

    /// <summary>s_(target, corrupted) as the specification derives it, from the coalition's secret key.</summary>
    private static void CoalitionMaskSeed(KeyAgreementKey key, int corrupted, ReadOnlySpan<byte> corruptedPublicKey, int target, ReadOnlySpan<byte> targetPublicKey, RoundIdentity round, Span<byte> seed)
    {
        PairwiseKeys.DeriveMaskSeed(key, corrupted, corruptedPublicKey, target, targetPublicKey, round, seed);
    }

    private static byte[] SubstituteKey(KeySubstitution kind, ReadOnlySpan<byte> victimKey, int victim, RoundScenario scenario, Dictionary<int, KeyAgreementKey> coalitionKeys, int corrupted, int smallOrderPick)
    {
        switch (kind)
        {
            case KeySubstitution.CoalitionKey:
                var key = KeyAgreementKey.Generate();
                coalitionKeys[corrupted] = key;
                return key.PublicKey.ToArray();
            case KeySubstitution.Copy:
                return victimKey.ToArray();
            case KeySubstitution.BitFlip:
                return X25519Encodings.FlipBit255(victimKey);
            case KeySubstitution.TorsionShift:
                return X25519Encodings.TorsionTranslates(victimKey)[(smallOrderPick + corrupted) % 7];
            case KeySubstitution.SmallOrder:
                return Convert.FromHexString(X25519Encodings.SmallOrder[(smallOrderPick + corrupted) % X25519Encodings.SmallOrder.Length]);
            case KeySubstitution.OtherRound:
            case KeySubstitution.OtherSession:
                // The victim's own advertisement in another round (same session) or another session.
                var round = new RoundIdentity(kind == KeySubstitution.OtherRound ? "test-session" : "other-session", (scenario.Seed & int.MaxValue) ^ 1, SHA256.HashData(BitConverter.GetBytes(scenario.Seed ^ 1)));
                var parameters = SecAggParameters.Complete(scenario.ClientCount, 1, round, SecAggMode.SemiHonest, dropoutRate: 0.3, corruptedFraction: 0);
                using (var other = new ClientSession(parameters, victim))
                {
                    return other.AdvertiseKeys().MaskPublicKey.ToArray();
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static T? TryStep<T>(ClientSession client, Dictionary<int, SecAggViolation> refusals, Func<ClientSession, T> step)
        where T : class
    {
        if (client.Stage == ClientStage.Aborted)
        {
            return null;
        }

        try
        {
            return step(client);
        }
        catch (SecAggProtocolException ex)
        {
            refusals[client.Index] = ex.Violation;
            return null;
        }
    }
}
