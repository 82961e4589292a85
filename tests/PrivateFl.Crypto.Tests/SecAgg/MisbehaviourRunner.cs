using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// Runs a <see cref="MisbehaviourScenario"/> on the real state machines: honest banks run <see cref="ClientSession"/>
/// unchanged, corrupted banks run it too and then tamper with what they send (re-signing with their own identity
/// key, as a corrupted bank can). Also computes, without cryptography, what the round must produce.
/// </summary>
internal static class MisbehaviourRunner
{
    public sealed record Outcome(AggregationResult? Result, RoundAbortedException? Abort, IReadOnlyList<RoundCulprit> Culprits, IReadOnlyList<UnmaskShares> Revealed, AggregationRound Server, IReadOnlyList<ExpulsionPairPoints> PairPointAnswers);

    public sealed record Expectation(RoundStage? AbortedAt, int[] Included, uint[] Sum, SortedSet<int> Culprits);

    public static Outcome Run(MisbehaviourScenario scenario, RoundHarness harness)
    {
        var revealed = new List<UnmaskShares>();
        var random = new DeterministicRandom(scenario.Seed ^ 0x5eed);
        try
        {
            IReadOnlyDictionary<int, KeyDirectory> directories = harness.AdvertiseKeys();
            foreach ((int index, KeyDirectory directory) in directories)
            {
                ShareKeys shares = harness.Client(index).ShareKeys(directory);
                if (scenario.Of(index) == Misbehaving.GarbageShares)
                {
                    shares = Garble(scenario, harness, shares, random);
                }

                harness.Server.AcceptShareKeys(shares);
            }

            IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.Server.CloseShareKeys();
            foreach ((int index, ShareDelivery delivery) in deliveries)
            {
                ClientSession client = harness.Client(index);
                List<ShareComplaint> forged = [];
                if (scenario.Of(index) == Misbehaving.FalseComplaint)
                {
                    foreach (int dealer in FalseComplaintTargets(scenario, harness.Parameters, index))
                    {
                        forged.Add(scenario.ValidProof
                            ? client.Complain(dealer)
                            : new ShareComplaint(dealer, random.NextBytes(Curve25519Points.EncodedSize), random.NextBytes(SharePointProof.ProofSize)));
                    }
                }

                MaskedInput masked = client.MaskInput(delivery, scenario.Inputs[index - 1]);
                harness.Server.AcceptMaskedInput(masked with { Complaints = [.. masked.Complaints ?? [], .. forged] });
            }

            SurvivorList survivors = harness.Server.CloseMaskedInput();
            IEnumerable<int> asked = survivors.Survivors;
            Func<int, UnmaskShares> unmask = c => harness.Client(c).Unmask(survivors);
            if (harness.Parameters.Mode == SecAggMode.Active)
            {
                ConsistencyProof proof = harness.ConsistencyCheck(survivors);
                asked = proof.Signatures.Select(s => s.Sender);
                unmask = c => harness.Client(c).Unmask(proof);
            }

            foreach (int index in asked)
            {
                UnmaskShares shares = unmask(index);
                if (scenario.Of(index) == Misbehaving.WrongRevealedShares)
                {
                    shares = shares with { Shares = [.. shares.Shares.Select(Shift)] };
                }

                revealed.Add(shares);
                try
                {
                    harness.Server.AcceptUnmask(shares);
                }
                catch (SecAggProtocolException) when (scenario.Of(index) == Misbehaving.WrongRevealedShares)
                {
                    // Refused and named; the round goes on without this bank's shares and pair points.
                }
            }

            AggregationResult result = harness.Server.CloseUnmask() ?? harness.Expel();
            return new Outcome(result, null, harness.Server.Culprits, revealed, harness.Server, harness.ExpelAnswers);
        }
        catch (RoundAbortedException abort)
        {
            return new Outcome(null, abort, harness.Server.Culprits, revealed, harness.Server, harness.ExpelAnswers);
        }
    }

    public static Expectation Expect(MisbehaviourScenario scenario, SecAggParameters parameters)
    {
        NeighbourGraph graph = NeighbourGraph.Create(parameters);
        int t = parameters.Threshold;
        int n = scenario.ClientCount;
        var culprits = new SortedSet<int>();
        for (int c = 1; c <= n; c++)
        {
            if ((scenario.Of(c) == Misbehaving.GarbageShares && GarbageRecipients(scenario, parameters, c).Count > 0)
                || (scenario.Of(c) == Misbehaving.FalseComplaint && FalseComplaintTargets(scenario, parameters, c).Count > 0))
            {
                culprits.Add(c);
            }
        }

        var u3 = new SortedSet<int>(Enumerable.Range(1, n).Where(c => !culprits.Contains(c)));
        if (Enumerable.Range(1, n).Any(c => graph.NeighboursOf(c).Count(u3.Contains) < t))
        {
            return new Expectation(RoundStage.MaskedInput, [], [], culprits);
        }

        var liars = new SortedSet<int>(u3.Where(w => scenario.Of(w) == Misbehaving.WrongRevealedShares
            && graph.NeighboursOf(w).Any(o => !GarbageRecipients(scenario, parameters, o).Contains(w))));
        culprits.UnionWith(liars);
        if (u3.Any(u => graph.NeighboursOf(u).Count(w => u3.Contains(w) && !liars.Contains(w)) < t))
        {
            return new Expectation(RoundStage.Unmask, [], [], culprits);
        }

        // A dropped culprit whose key has fewer than t usable shares needs a pair point from every surviving
        // neighbour; a refused liar gave none.
        foreach (int v in Enumerable.Range(1, n).Where(c => !u3.Contains(c)))
        {
            IReadOnlySet<int> victims = GarbageRecipients(scenario, parameters, v);
            int usable = graph.NeighboursOf(v).Count(w => u3.Contains(w) && !liars.Contains(w) && !victims.Contains(w));
            if (usable < t && graph.NeighboursOf(v).Any(w => u3.Contains(w) && liars.Contains(w)))
            {
                return new Expectation(RoundStage.Unmask, [], [], culprits);
            }
        }

        uint[] sum = new uint[MisbehaviourScenario.VectorLength];
        foreach (int client in u3)
        {
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += scenario.Inputs[client - 1][i];
            }
        }

        return new Expectation(null, [.. u3], sum, culprits);
    }

    /// <summary>The neighbours a garbage dealer aims at: those whose bit is set in its target mask, at least one.</summary>
    public static IReadOnlySet<int> GarbageRecipients(MisbehaviourScenario scenario, SecAggParameters parameters, int dealer)
    {
        if (scenario.Of(dealer) != Misbehaving.GarbageShares)
        {
            return new HashSet<int>();
        }

        int[] neighbours = [.. NeighbourGraph.Create(parameters).NeighboursOf(dealer).Order()];
        var chosen = new HashSet<int>(neighbours.Where((_, i) => (scenario.Targets[dealer - 1] >> (i % 16) & 1) == 1));
        if (chosen.Count == 0 && neighbours.Length > 0)
        {
            chosen.Add(neighbours[0]);
        }

        return chosen;
    }

    /// <summary>The neighbours a false complainer accuses: targeted ones that dealt it a good share.</summary>
    public static IReadOnlyList<int> FalseComplaintTargets(MisbehaviourScenario scenario, SecAggParameters parameters, int complainant)
    {
        int[] neighbours = [.. NeighbourGraph.Create(parameters).NeighboursOf(complainant).Order()];
        return [.. neighbours.Where((dealer, i) => (scenario.Targets[complainant - 1] >> (i % 16) & 1) == 1
            && !GarbageRecipients(scenario, parameters, dealer).Contains(complainant))];
    }

    private static ShareKeys Garble(MisbehaviourScenario scenario, RoundHarness harness, ShareKeys shares, DeterministicRandom random)
    {
        IReadOnlySet<int> victims = GarbageRecipients(scenario, harness.Parameters, shares.Sender);
        var garbled = new List<EncryptedShare>();
        foreach (EncryptedShare share in shares.Shares)
        {
            if (!victims.Contains(share.Recipient))
            {
                garbled.Add(share);
                continue;
            }

            // Either a ciphertext that does not open, or a real one under commitments it does not match.
            bool randomCiphertext = random.NextInt(0, 2) == 0;
            byte[] ciphertext = randomCiphertext ? random.NextBytes(share.Ciphertext.Length) : share.Ciphertext.ToArray();
            byte[] commitments = randomCiphertext ? share.Commitments.ToArray() : random.NextBytes(share.Commitments.Length);
            byte[] signature = harness.Parameters.Mode == SecAggMode.Active
                ? harness.IdentityKey(shares.Sender).Sign(CommitmentEncoding.ShareSignaturePayload(harness.Parameters.Round, shares.Sender, share.Recipient, commitments, ciphertext))
                : [];
            garbled.Add(share with { Ciphertext = ciphertext, Commitments = commitments, Signature = signature });
        }

        return shares with { Shares = garbled };
    }

    /// <summary>A targeted share shift: the first field element moved by one, the salt kept.</summary>
    public static RevealedShare Shift(RevealedShare share)
    {
        byte[] bytes = share.Share.ToArray();
        bytes[sizeof(uint)] ^= 1;
        return share with { Share = bytes };
    }
}
