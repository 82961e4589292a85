namespace PrivateFl.Server.Coordination;

/// <summary>
/// How many waiting banks a round takes and how they split into cohorts: as few cohorts as hold them at the session's
/// cohort size, at least its minimum number of cohorts, and every cohort at least its minimum size; sizes differ by at
/// most one. Banks that cannot be placed wait for the next round.
/// </summary>
internal static class CohortPlan
{
    /// <summary>The number of banks a round takes from <paramref name="waiting"/> and the number of cohorts they form.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer banks wait than the smallest round the session allows.</exception>
    public static (int Take, int Cohorts) Size(SessionDefinition definition, int waiting) => Size(definition, waiting, definition?.MinimumCohorts ?? 0);

    /// <summary>
    /// The number of banks a front end's part of a round takes from <paramref name="waiting"/> and the number of cohorts
    /// they form, at least <paramref name="minimumCohorts"/> (the session's minimum when it is the round's only front end),
    /// and the session's minimum whenever the banks suffice for it.
    /// </summary>
    /// <remarks>
    /// A front end of a cluster that has the banks for the session's minimum number of cohorts forms them all, so that its
    /// part can release even if no other front end joins; one with fewer banks forms what it can, and the round counts
    /// the cohorts of every front end.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">Fewer banks wait than <paramref name="minimumCohorts"/> cohorts of the minimum size.</exception>
    public static (int Take, int Cohorts) Size(SessionDefinition definition, int waiting, int minimumCohorts)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumCohorts, 1);
        int n = Math.Min(waiting, definition.MaximumClients);
        int minimumSize = definition.MinimumCohortSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(n, Math.Max(minimumSize, minimumCohorts * minimumSize), nameof(waiting));
        int cohorts = Math.Max((n + definition.CohortSize - 1) / definition.CohortSize, Math.Max(minimumCohorts, Math.Min(definition.MinimumCohorts, n / minimumSize)));
        if (n / cohorts >= minimumSize)
        {
            return (n, cohorts);
        }

        // Cohorts of the cohort size would leave one below the minimum: fewer cohorts, each full, and the rest wait.
        cohorts = n / minimumSize;
        return ((int)Math.Min(n, (long)cohorts * definition.CohortSize), cohorts);
    }

    /// <summary>Splits the banks, in their order, into <paramref name="cohorts"/> runs whose sizes differ by at most one.</summary>
    public static string[][] Split(IReadOnlyList<string> banks, int cohorts)
    {
        ArgumentNullException.ThrowIfNull(banks);
        ArgumentOutOfRangeException.ThrowIfLessThan(cohorts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cohorts, banks.Count);
        var split = new string[cohorts][];
        int start = 0;
        for (int k = 0; k < cohorts; k++)
        {
            int size = (banks.Count / cohorts) + (k < banks.Count % cohorts ? 1 : 0);
            split[k] = [.. banks.Skip(start).Take(size)];
            start += size;
        }

        return split;
    }
}
