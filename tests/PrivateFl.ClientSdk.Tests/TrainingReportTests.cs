using FsCheck;
using FsCheck.Xunit;

namespace PrivateFl.ClientSdk.Tests;

/// <summary>Issue 14: a report of training that ended without error but trained no round says so, whatever else it carries.</summary>
public sealed class TrainingReportTests
{
    [Property(MaxTest = 200)]
    public bool TrainedNoRounds_AnyReport_TrueExactlyWhenNoRoundIncludedThisBank(NonNegativeInt participated, NonNegativeInt lost, TrainingStopReason reason) =>
        new TrainingReport("s", participated.Get, lost.Get, 1, 0.5, 0.7, 0.1, 1e-5, 0.1, reason, "m").TrainedNoRounds == (participated.Get == 0);
}
