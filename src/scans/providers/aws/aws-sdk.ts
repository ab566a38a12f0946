import { createRequire } from 'node:module';

/** The AWS SDK v3 packages the scans and the AWS price list call, by package name. */
interface AwsSdkPackages {
  '@aws-sdk/client-cloudwatch': typeof import('@aws-sdk/client-cloudwatch');
  '@aws-sdk/client-dynamodb': typeof import('@aws-sdk/client-dynamodb');
  '@aws-sdk/client-ec2': typeof import('@aws-sdk/client-ec2');
  '@aws-sdk/client-ecs': typeof import('@aws-sdk/client-ecs');
  '@aws-sdk/client-eks': typeof import('@aws-sdk/client-eks');
  '@aws-sdk/client-elastic-load-balancing': typeof import('@aws-sdk/client-elastic-load-balancing');
  '@aws-sdk/client-elastic-load-balancing-v2': typeof import('@aws-sdk/client-elastic-load-balancing-v2');
  '@aws-sdk/client-elasticache': typeof import('@aws-sdk/client-elasticache');
  '@aws-sdk/client-fsx': typeof import('@aws-sdk/client-fsx');
  '@aws-sdk/client-global-accelerator': typeof import('@aws-sdk/client-global-accelerator');
  '@aws-sdk/client-kafka': typeof import('@aws-sdk/client-kafka');
  '@aws-sdk/client-kinesis': typeof import('@aws-sdk/client-kinesis');
  '@aws-sdk/client-lambda': typeof import('@aws-sdk/client-lambda');
  '@aws-sdk/client-opensearch': typeof import('@aws-sdk/client-opensearch');
  '@aws-sdk/client-pricing': typeof import('@aws-sdk/client-pricing');
  '@aws-sdk/client-rds': typeof import('@aws-sdk/client-rds');
  '@aws-sdk/client-redshift': typeof import('@aws-sdk/client-redshift');
  '@aws-sdk/client-s3': typeof import('@aws-sdk/client-s3');
  '@aws-sdk/client-sagemaker': typeof import('@aws-sdk/client-sagemaker');
  '@aws-sdk/client-sts': typeof import('@aws-sdk/client-sts');
  '@smithy/node-http-handler': typeof import('@smithy/node-http-handler');
}

const requireCommonJs = createRequire(import.meta.url);

/**
 * An AWS SDK package, loaded on first use (a replica that never scans AWS does not pay for it). Every client ships
 * as one CommonJS bundle (client-ec2's is 2 MB of source), so it is loaded through `require`, not `import()`: Node's
 * ESM loader wraps a CommonJS module with extra copies of its source and export analysis, which measured 13 MB more
 * RSS for the 19 clients of an AWS scan (170 vs 157 MB in a bare process; 33 vs 30 MB of live heap). Both loaders
 * share one module cache, so a package imported statically elsewhere (client-s3) is not loaded twice.
 */
export function awsSdk<P extends keyof AwsSdkPackages>(name: P): AwsSdkPackages[P] {
  return requireCommonJs(name) as AwsSdkPackages[P];
}
