#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cblas.h>
#include <dnnl.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  int M=atoi(argv[1]),N=atoi(argv[2]),K=atoi(argv[3]);
  float*A=malloc(sizeof(float)*M*K),*B=malloc(sizeof(float)*K*N),*C=malloc(sizeof(float)*M*N);
  for(long i=0;i<(long)M*K;i++)A[i]=(i%7)*0.1f; for(long i=0;i<(long)K*N;i++)B[i]=(i%5)*0.1f;
  double bo=1e9,bd=1e9;
  for(int r=0;r<30;r++){
    double t=now(); cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasTrans,M,N,K,1,A,K,B,K,0,C,N); t=now()-t; if(t<bo)bo=t;
    t=now(); dnnl_sgemm('N','T',M,N,K,1,A,K,B,K,0,C,N); t=now()-t; if(t<bd)bd=t;
  }
  double fl=2.0*M*N*K;
  printf("%dx%dx%d openblas %.3f ms (%.0f GF/s)  dnnl %.3f ms (%.0f GF/s)\n",M,N,K,bo*1e3,fl/bo/1e9,bd*1e3,fl/bd/1e9);
}
