using FsCheck.Xunit;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// Issue 9 §1 as a property: whatever keys a coalition of the server and up to γn = n/2 clients substitutes (copies,
/// bit-255 flips, torsion translates u(P + T) for T of order 2, 4 or 8, small-order points and their aliases, keys of another round or session, keys
/// it generated), the target's input does not show in the coalition's view.
/// </summary>
public sealed class KeySubstitutionPropertyTests
{
    /// <summary>
    /// The coalition runs the same behaviour twice, once with each of two target inputs x⁰ and x¹. Claim: (1) what it
    /// observes of the round's course (who refused, with which violation, whether the round aborted, whether it
    /// holds y_target and b_target) is the same in both runs; (2) when it holds them, its estimate
    /// y_target − PRG(b_target) − (the pairwise masks it can compute) matches neither x⁰ nor x¹ in more than one
    /// of the 16 words (a uniformly masked word matches by chance with probability 2^−32). Without the checks of
    /// issue 9 §1 the cancelling scenarios recover x_target in every word whenever every honest neighbour of the target
    /// has a copier (always on the complete graph); this property then fails within a few dozen cases (checked by
    /// running it against the previous derivation and checks). The round's parameters assume the coalition's size (γ = 1/2), as
    /// deployments must; a target whose every neighbour is corrupted, which those parameters make unlikely, would
    /// expose its input by design rather than by key substitution.
    /// </summary>
    [Property(MaxTest = 60, Arbitrary = new[] { typeof(KeySubstitutionScenarios) })]
    public bool KeySubstitution_AnyCoalitionUpToHalf_CourseIndependentOfTargetInputAndNoWordOfItRecovered(KeySubstitutionScenario s)
    {
        uint[] x0 = s.Round.Inputs[s.Target - 1];
        uint[] x1 = s.AlternativeInput;

        CoalitionOutcome first = KeySubstitutionCoalition.Run(s.Round, s.Target, s.Plan, s.SmallOrderPick);
        CoalitionOutcome second = KeySubstitutionCoalition.Run(s.WithAlternativeInput(), s.Target, s.Plan, s.SmallOrderPick);

        return SameCourse(first, second)
            && RevealsNoWord(first.Estimate, x0, x1)
            && RevealsNoWord(second.Estimate, x0, x1);
    }

    private static bool SameCourse(CoalitionOutcome a, CoalitionOutcome b) =>
        a.TargetRefusal == b.TargetRefusal
        && a.RoundAborted == b.RoundAborted
        && (a.Estimate is null) == (b.Estimate is null)
        && a.Refusals.Count == b.Refusals.Count
        && a.Refusals.All(r => b.Refusals.TryGetValue(r.Key, out var v) && v == r.Value);

    private static bool RevealsNoWord(uint[]? estimate, uint[] x0, uint[] x1) =>
        estimate is null || (Matches(estimate, x0) <= 1 && Matches(estimate, x1) <= 1);

    private static int Matches(uint[] estimate, uint[] input) => estimate.Zip(input).Count(pair => pair.First == pair.Second);
}
