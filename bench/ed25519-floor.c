// The floor for FT1 decoding: OpenSSL Ed25519 verify and sign in plain C, three ways of handling
// the EVP_MD_CTX. Build and run: gcc -O2 bench/ed25519-floor.c -lcrypto -o /tmp/ed25519-floor && /tmp/ed25519-floor
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e6+t.tv_nsec/1e3;}
int main(){
  unsigned char seed[32]={1},msg[73]={0x5a},sig[64];size_t sl=64;
  EVP_PKEY*k=EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519,NULL,seed,32);
  unsigned char pub[32];size_t pl=32;EVP_PKEY_get_raw_public_key(k,pub,&pl);
  EVP_PKEY*p=EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519,NULL,pub,32);
  EVP_MD_CTX*c=EVP_MD_CTX_new();EVP_DigestSignInit(c,NULL,NULL,NULL,k);EVP_DigestSign(c,sig,&sl,msg,73);
  int N=20000;double t;
  t=now();for(int i=0;i<N;i++){EVP_MD_CTX*m=EVP_MD_CTX_new();EVP_DigestVerifyInit(m,NULL,NULL,NULL,p);if(EVP_DigestVerify(m,sig,64,msg,73)!=1)return 1;EVP_MD_CTX_free(m);}printf("new ctx per verify: %.1f us\n",(now()-t)/N);
  EVP_MD_CTX*m=EVP_MD_CTX_new();
  t=now();for(int i=0;i<N;i++){EVP_MD_CTX_reset(m);EVP_DigestVerifyInit(m,NULL,NULL,NULL,p);if(EVP_DigestVerify(m,sig,64,msg,73)!=1)return 1;}printf("reset+init reused: %.1f us\n",(now()-t)/N);
  EVP_MD_CTX*tmpl=EVP_MD_CTX_new();EVP_DigestVerifyInit(tmpl,NULL,NULL,NULL,p);
  int ok=1;t=now();for(int i=0;i<N;i++){if(!EVP_MD_CTX_copy_ex(m,tmpl)){ok=0;break;}if(EVP_DigestVerify(m,sig,64,msg,73)!=1){ok=0;break;}}printf("copy template: %.1f us ok=%d\n",(now()-t)/N,ok);
  EVP_PKEY_CTX*pc=EVP_PKEY_CTX_new(p,NULL);
  t=now();for(int i=0;i<N;i++){EVP_MD_CTX_reset(m);EVP_DigestVerifyInit_ex(m,NULL,NULL,NULL,NULL,p,NULL);if(EVP_DigestVerify(m,sig,64,msg,73)!=1)return 1;}printf("init_ex: %.1f us\n",(now()-t)/N);
  t=now();for(int i=0;i<N;i++){EVP_MD_CTX_reset(c);EVP_DigestSignInit(c,NULL,NULL,NULL,k);sl=64;EVP_DigestSign(c,sig,&sl,msg,73);}printf("sign reset+init: %.1f us\n",(now()-t)/N);
  return 0;}
