using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.Crypto.SecAgg.Messages;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>Rounds with misbehaving banks (issue 9 §3–4) against a plain model.</summary>
public sealed class MisbehaviourPropertyTests
{
    [Property(MaxTest = 40, Arbitrary = [typeof(MisbehaviourScenarios)])]
    public Property Run_RandomMisbehavingBanks_HonestSurvivorsSumAndExactCulprits(MisbehaviourScenario scenario)
    {
        using var harness = new RoundHarness(scenario.Round);
        MisbehaviourRunner.Expectation expected = MisbehaviourRunner.Expect(scenario, harness.Parameters);

        MisbehaviourRunner.Outcome outcome = MisbehaviourRunner.Run(scenario, harness);

        bool outcomeMatches = expected.AbortedAt is null
            ? outcome.Result is not null && outcome.Result.IncludedClients.SequenceEqual(expected.Included) && outcome.Result.Sum.Span.SequenceEqual(expected.Sum)
            : outcome.Abort is not null && outcome.Abort.Stage == expected.AbortedAt;
        bool culpritsExact = new SortedSet<int>(outcome.Culprits.Select(c => c.Client)).SetEquals(expected.Culprits);
        bool reasonsRight = outcome.Culprits.All(c => c.Misbehaviour == Reason(scenario.Of(c.Client)));
        return (outcomeMatches && culpritsExact && reasonsRight && NeverBoth(outcome))
            .Label($"{scenario}; {harness.Parameters}; expected {expected.AbortedAt?.ToString() ?? "completion"} culprits [{string.Join(',', expected.Culprits)}]; got {(outcome.Abort is null ? "completion" : $"abort at {outcome.Abort.Stage}: {outcome.Abort.Message}")} culprits [{string.Join(',', outcome.Culprits)}]")
            .Classify(expected.AbortedAt is null, "completed")
            .Classify(expected.Culprits.Count > 0, "with culprits");
    }

    /// <summary>No client's b and s (share or pair point) are both revealed, and the server reconstructs at most one secret per client.</summary>
    private static bool NeverBoth(MisbehaviourRunner.Outcome outcome)
    {
        var selfMask = new HashSet<int>(outcome.Revealed.SelectMany(m => m.Shares).Where(s => s.Kind == SecretKind.SelfMaskSeed).Select(s => s.Owner));
        var maskKey = new HashSet<int>(outcome.Revealed.SelectMany(m => m.Shares).Where(s => s.Kind == SecretKind.MaskKey).Select(s => s.Owner));
        maskKey.UnionWith(outcome.Revealed.SelectMany(m => m.PairPoints ?? []).Select(p => p.Peer));
        maskKey.UnionWith(outcome.PairPointAnswers.SelectMany(m => m.PairPoints).Select(p => p.Peer));
        var reconstructed = outcome.Server.ReconstructedSecrets.Select(s => s.Client).ToList();
        return !selfMask.Overlaps(maskKey) && reconstructed.Count == reconstructed.Distinct().Count();
    }

    private static Misbehaviour Reason(Misbehaving behaviour) => behaviour switch
    {
        Misbehaving.GarbageShares => Misbehaviour.InvalidShare,
        Misbehaving.FalseComplaint => Misbehaviour.FalseComplaint,
        Misbehaving.WrongRevealedShares => Misbehaviour.WrongRevealedShare,
        _ => (Misbehaviour)0,
    };
}
