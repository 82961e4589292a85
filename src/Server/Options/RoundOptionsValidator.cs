using Microsoft.Extensions.Options;

namespace PrivateFl.Server.Options;

/// <summary>Refuses to start with impossible <see cref="RoundOptions"/>, naming the setting.</summary>
internal sealed class RoundOptionsValidator : IValidateOptions<RoundOptions>
{
    public ValidateOptionsResult Validate(string? name, RoundOptions options)
    {
        var failures = new List<string>();
        if (options.MinimumClients is < 3 or > 100_000)
        {
            failures.Add($"RoundOptions:MinimumClients must be 3 to 100000 (secure aggregation of fewer than 3 reveals inputs); got {options.MinimumClients}.");
        }

        if (options.GatherWindow < TimeSpan.Zero || options.GatherWindow > TimeSpan.FromMinutes(10))
        {
            failures.Add($"RoundOptions:GatherWindow must be 0 to 10 minutes; got {options.GatherWindow}.");
        }

        if (options.CohortFormationWindow < TimeSpan.FromMilliseconds(10) || options.CohortFormationWindow > TimeSpan.FromMinutes(10))
        {
            failures.Add($"RoundOptions:CohortFormationWindow must be 10 ms to 10 minutes; got {options.CohortFormationWindow}.");
        }

        if (options.StageDeadline < TimeSpan.FromMilliseconds(100) || options.StageDeadline > TimeSpan.FromHours(1))
        {
            failures.Add($"RoundOptions:StageDeadline must be 100 ms to 1 hour; got {options.StageDeadline}.");
        }

        if (options.StageDeadlinePerClient < TimeSpan.Zero || options.StageDeadlinePerClient > TimeSpan.FromSeconds(1))
        {
            failures.Add($"RoundOptions:StageDeadlinePerClient must be 0 to 1 second; got {options.StageDeadlinePerClient}.");
        }

        if (options.SuspendAfterMisbehaviours is < 0 or > 1_000)
        {
            failures.Add($"{nameof(RoundOptions)}.{nameof(RoundOptions.SuspendAfterMisbehaviours)} must be 0 (never) to 1000; got {options.SuspendAfterMisbehaviours}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
