namespace PrivateFl.ClientSdk;

/// <summary>How a released model does on an operator's labelled test set.</summary>
/// <param name="Count">The rows of the test set.</param>
/// <param name="Defaults">The rows whose label is the positive class (a default).</param>
/// <param name="RocAuc">The ROC AUC; <see langword="null"/> when the test set holds only one class.</param>
/// <param name="LogLoss">The mean log loss, in nats (<see cref="ModelMetrics.LogLoss"/>).</param>
/// <param name="Accuracy">The share of rows decided right at <paramref name="Threshold"/>.</param>
/// <param name="Threshold">The probability of default from which an applicant is declined.</param>
public sealed record TestSetMetrics(int Count, int Defaults, double? RocAuc, double LogLoss, double Accuracy, double Threshold);
