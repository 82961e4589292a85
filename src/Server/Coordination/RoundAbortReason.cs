namespace PrivateFl.Server.Coordination;

/// <summary>Why a round whose cohorts are all done releases nothing, in the words banks and operators read.</summary>
internal static class RoundAbortReason
{
    /// <summary>
    /// The reason a round aborts, or null if it may release: at least <paramref name="minimumCohorts"/> cohorts released
    /// a sum. A round of one cohort gives that cohort's own reason.
    /// </summary>
    public static string? For(int released, int cohorts, int minimumCohorts, IReadOnlyList<string> cohortReasons)
    {
        ArgumentNullException.ThrowIfNull(cohortReasons);
        if (released >= Math.Max(1, minimumCohorts))
        {
            return null;
        }

        return cohorts == 1 && cohortReasons.Count == 1
            ? cohortReasons[0]
            : $"{released} of its {cohorts} cohorts released a sum and it needs {Math.Max(1, minimumCohorts)} (the last cohort to abort: {(cohortReasons.Count == 0 ? "none reported" : cohortReasons[^1])})";
    }
}
